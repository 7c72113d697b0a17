package dev.lifeline.demo.scenario;

import dev.lifeline.demo.report.RunRecord;
import dev.lifeline.demo.report.ScenarioInfo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One incident from DESIGN.md's table, or scenario 6's Spring Boot service, reproduced: the fault,
 * the application's workload, and how a run is measured. {@link #run} is called twice, without and then with the agent; both runs
 * execute the same plan of operations (same seed).
 */
public abstract class Scenario {

    /** What the report and the table say about this incident. */
    public abstract ScenarioInfo info(DemoContext ctx);

    /** Runs the workload once, faults injected, and measures it against the database. */
    public abstract RunRecord run(DemoContext ctx, boolean agent) throws Exception;

    /** The five incidents, in the order of DESIGN.md's table; incident 3 once per HTTP client; then an existing Spring Boot service. */
    public static List<Scenario> all() {
        List<Scenario> all = new ArrayList<>(Arrays.asList(new BurstScenario(), new IdleResetScenario()));
        for (String[] client : KvServerErrorScenario.CLIENTS) {
            all.add(new KvServerErrorScenario(client[0], client[1]));
        }
        all.addAll(Arrays.asList(new UnboundedScenario(), new PoolerScenario(), new SpringServiceScenario()));
        return all;
    }

    public static String names() {
        StringBuilder names = new StringBuilder();
        for (Scenario s : all()) {
            names.append(names.length() == 0 ? "" : ", ").append(s.name());
        }
        return names.toString();
    }

    /** Its number in DESIGN.md's table of incidents, also accepted by {@code --scenario}. */
    public abstract int incident();

    /** The name accepted by {@code --scenario}. */
    public abstract String name();
}

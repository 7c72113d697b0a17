package dev.lifeline.demo.scenario;

import dev.lifeline.demo.db.Database;
import dev.lifeline.demo.report.RunRecord;
import dev.lifeline.demo.report.ScenarioInfo;
import dev.lifeline.demo.run.ChildJvm;
import dev.lifeline.demo.spring.Fault;
import dev.lifeline.demo.spring.Phase;
import dev.lifeline.demo.spring.PhaseResult;
import dev.lifeline.demo.spring.ServiceLoad;
import dev.lifeline.demo.spring.ServiceUnderFaults;
import dev.lifeline.demo.spring.SpringService;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Not one of the five incidents but where they matter most: an ordinary Spring Boot service (the
 * {@code spring-app} fat jar: Spring Data JPA/Hibernate, HikariCP, pgjdbc), whose every request runs
 * in a transaction, through backend kills and a real restart of its PostgreSQL.
 */
final class SpringServiceScenario extends Scenario {

    private static final int CLIENTS = 4;

    @Override
    public int incident() {
        return 6; // not one of the five incidents: all of them, in the application people actually run
    }

    @Override
    public String name() {
        return "spring";
    }

    @Override
    public ScenarioInfo info(DemoContext ctx) {
        return new ScenarioInfo(name(), 6, "An existing Spring Boot service", "",
                "A real PostgreSQL of the scenario's own (embedded, since it is restarted): an administrator terminates one "
                        + "random session of the service every 300 ms (pg_terminate_backend, FATAL 57P01), then stops the server "
                        + "(fast shutdown) and starts it again after " + (ctx.quick ? "1 s" : "1 s, and later after 5 s") + ".",
                CLIENTS + " HTTP clients place orders (a @Transactional service: read, insert, read back), read them through "
                        + "Spring Data repositories (read-only transactions) and ask for a JdbcTemplate report, while a new "
                        + "visitor arrives every 250 ms during the restart. The service is the spring-app executable jar, run with "
                        + "java -jar and configured by spring.datasource.url; it knows nothing of Lifeline.",
                "Sits below HikariCP: replaces a connection the server ended and re-runs the statement where that provably "
                        + "cannot lose or double a write, retries connection acquisition through the outage, and lets a loss in "
                        + "the middle of a read-write transaction through with its SQLState so HikariCP evicts the connection.",
                "not visible from outside the service: its HTTP clients see only the responses.",
                "");
    }

    @Override
    public RunRecord run(DemoContext ctx, boolean agent) throws Exception {
        ScenarioInfo info = info(ctx);
        SpringService.jar(); // fails early, with the command that builds it
        Path dir = Files.createDirectories(ctx.workDir.resolve(info.name + "-" + (agent ? "with" : "without")));
        String label = agent ? "with" : "without";
        String runLabel = String.format(Locale.ROOT, "  %-13s %s agent", info.name, agent ? "with   " : "without");
        ServiceUnderFaults.Run run;
        try (Database database = Database.restartable(Collections.emptyMap())) {
            ChildJvm jvm = agent ? ChildJvm.withAgent(info.agentArguments) : ChildJvm.withoutAgent();
            ctx.out.println(runLabel + ": starting the service (java -jar lifeline-spring-app.jar) ...");
            run = ServiceUnderFaults.run(database, jvm, agent, label + "-" + ctx.runId, phases(ctx), CLIENTS, ctx.seed,
                    phase -> ctx.out.println(runLabel + ": " + phase.brief()));
        }
        Files.write(dir.resolve("stdout.txt"), run.serviceOutput.stdout, StandardCharsets.UTF_8);
        Files.write(dir.resolve("stderr.txt"), run.serviceOutput.stderr, StandardCharsets.UTF_8);
        return record(info, run);
    }

    private static List<Phase> phases(DemoContext ctx) {
        Phase kills = Phase.busy("kills", Fault.terminateOneBackendEvery(Duration.ofMillis(300)),
                Duration.ofSeconds(ctx.size(6, 15)));
        Fault restart = ctx.quick
                ? Fault.restarts(Duration.ofSeconds(1), Duration.ZERO, Duration.ofSeconds(1))
                : Fault.restarts(Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofSeconds(5));
        Phase restarts = Phase.busyWithVisitors("restart", restart, Duration.ofSeconds(ctx.size(3, 12)), Duration.ofMillis(250));
        return Arrays.asList(kills, restarts);
    }

    /** Both phases in one record, on one time line, as the other scenarios report a run. */
    private static RunRecord record(ScenarioInfo info, ServiceUnderFaults.Run run) {
        long origin = run.phases.get(0).startNanos;
        long elapsedNanos = run.phases.get(run.phases.size() - 1).endNanos - origin;
        int slices = 30;
        int[] ok = new int[slices];
        int[] failed = new int[slices];
        List<Long> latencies = new ArrayList<>();
        Map<String, Integer> errors = new LinkedHashMap<>();
        int operations = 0;
        int failures = 0;
        int acknowledged = 0;
        int lost = 0;
        int duplicated = 0;
        long faults = 0;
        for (PhaseResult phase : run.phases) {
            for (ServiceLoad.Request r : phase.requests) {
                operations++;
                latencies.add((r.endNanos - r.startNanos) / 1_000);
                int slice = (int) Math.min(slices - 1, (r.startNanos - origin) * slices / Math.max(1, elapsedNanos));
                if (r.ok()) {
                    ok[slice]++;
                } else {
                    failed[slice]++;
                    failures++;
                    errors.merge(r.kind.name().toLowerCase(Locale.ROOT) + " " + (r.status == 0 ? "" : "HTTP " + r.status + " ")
                            + r.cause().summary(), 1, Integer::sum);
                }
            }
            acknowledged += phase.audit.acknowledged;
            lost += phase.audit.lost;
            duplicated += phase.audit.doubled;
            faults += phase.faults.faultsInjected();
        }
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        List<String> errorLines = new ArrayList<>();
        errors.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue())
                .forEach(e -> errorLines.add(e.getValue() + "\t" + e.getKey()));
        return new RunRecord(info, run.agent, operations, failures, acknowledged, lost, duplicated,
                DemoContext.percentileMs(sorted, 50), DemoContext.percentileMs(sorted, 99), 0, faults,
                elapsedNanos / 1_000_000, ok, failed, errorLines);
    }
}

package dev.lifeline.demo;

import dev.lifeline.demo.db.Database;
import dev.lifeline.demo.proxy.FaultProxy;
import dev.lifeline.demo.run.ChildJvm;
import dev.lifeline.demo.workload.AcquireWorkload;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The before/after reproduction: each incident's workload runs in a child JVM without, then with,
 * {@code -javaagent:lifeline-agent.jar}, against a real PostgreSQL behind a fault-injecting proxy.
 *
 * <pre>java -jar demo-app/target/lifeline-demo.jar [--quick] [--scenario NAME] [--pg-url URL] [--agent PATH]</pre>
 */
public final class Demo {

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        String pgUrl = null;
        String scenario = "all";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick":
                    quick = true;
                    break;
                case "--pg-url":
                    pgUrl = args[++i];
                    break;
                case "--scenario":
                    scenario = args[++i];
                    break;
                case "--agent":
                    System.setProperty("lifeline.agent.jar", args[++i]);
                    break;
                case "--help":
                case "-h":
                    usage();
                    return;
                default:
                    System.err.println("unknown option " + args[i] + " (allowed: --quick, --scenario NAME, --pg-url URL, --agent PATH, --help)");
                    usage();
                    System.exit(2);
                    return;
            }
        }
        if (!scenario.equals("all") && !scenario.equals("pooler")) {
            System.err.println("unknown scenario '" + scenario + "' (allowed: pooler, all)");
            System.exit(2);
        }
        ChildJvm.agentJar();

        List<Row> rows = new ArrayList<>();
        System.out.println("Starting PostgreSQL " + (pgUrl == null ? "(embedded, real server binaries)" : "at " + pgUrl) + " ...");
        try (Database database = pgUrl == null ? Database.embedded() : Database.external(pgUrl);
             FaultProxy pooler = FaultProxy.start(database.host(), database.port())) {
            rows.addAll(poolerRefusesClients(database, pooler, quick));
        }
        printTable(rows);
    }

    /**
     * Incident 5: a pooler in session mode admits pool_size clients and refuses the rest with
     * {@code MaxClientsInSessionMode: max clients reached}. The application opens a connection per
     * operation from 20 threads.
     */
    private static List<Row> poolerRefusesClients(Database database, FaultProxy pooler, boolean quick) throws Exception {
        int poolSize = 5;
        pooler.limitConnections(poolSize, FaultProxy.Refusal.SUPAVISOR_LEGACY_SESSION_MODE);
        String[] workload = {"url=" + database.urlVia(pooler.host(), pooler.port()), "threads=20",
                "ops=" + (quick ? 5 : 20), "holdMs=50", "applicationName=demo-pooler"};
        String title = "5 pooler refuses clients (MaxClientsInSessionMode, pool_size=" + poolSize + ")";
        List<Row> rows = new ArrayList<>();
        System.out.println("Running " + title + " without the agent ...");
        rows.add(Row.of(title, "without", ChildJvm.withoutAgent().run(AcquireWorkload.class, 600, workload)));
        System.out.println("Running " + title + " with the agent (lifeline.jdbc.maxConnections=" + poolSize + ") ...");
        rows.add(Row.of(title, "with", ChildJvm.withAgent("lifeline.jdbc.maxConnections=" + poolSize)
                .run(AcquireWorkload.class, 600, workload)));
        pooler.limitConnections(0, FaultProxy.Refusal.SUPAVISOR_LEGACY_SESSION_MODE);
        return rows;
    }

    private static void printTable(List<Row> rows) {
        String format = "%-62s %-8s %10s %8s %9s %10s%n";
        System.out.println();
        System.out.printf(Locale.ROOT, format, "scenario", "agent", "operations", "failed", "success", "elapsed");
        for (Row row : rows) {
            System.out.printf(Locale.ROOT, format, row.scenario, row.agent, row.operations, row.failed,
                    String.format(Locale.ROOT, "%.1f%%", row.successRate()), row.elapsedMs + " ms");
        }
        System.out.println();
        System.out.println("On Linux the pooler's refusal is reproduced byte for byte by the fault proxy "
                + "(FATAL XX000 'MaxClientsInSessionMode: max clients reached - in Session mode max clients are limited to pool_size').");
    }

    private static void usage() {
        System.out.println("usage: java -jar demo-app/target/lifeline-demo.jar [--quick] [--scenario pooler|all] [--pg-url jdbc:postgresql://host:port/db?user=..&password=..] [--agent agent/target/lifeline-agent.jar]");
    }

    private static final class Row {
        final String scenario;
        final String agent;
        final int operations;
        final int failed;
        final long elapsedMs;

        private Row(String scenario, String agent, int operations, int failed, long elapsedMs) {
            this.scenario = scenario;
            this.agent = agent;
            this.operations = operations;
            this.failed = failed;
            this.elapsedMs = elapsedMs;
        }

        static Row of(String scenario, String agent, ChildJvm.Result result) {
            int ok = result.resultInt("ok");
            int failed = result.resultInt("failed");
            return new Row(scenario, agent, ok + failed, failed, Long.parseLong(result.result("elapsedMs")));
        }

        double successRate() {
            return operations == 0 ? 0 : 100.0 * (operations - failed) / operations;
        }
    }
}

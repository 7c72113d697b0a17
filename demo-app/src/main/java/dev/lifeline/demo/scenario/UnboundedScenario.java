package dev.lifeline.demo.scenario;

import dev.lifeline.demo.proxy.FaultProxy;
import dev.lifeline.demo.report.RunRecord;
import dev.lifeline.demo.report.ScenarioInfo;

import java.io.IOException;
import java.nio.file.Files;

/**
 * Incident 4: no pool and no bound on parallelism: 60 threads each open their own connections
 * against a PostgreSQL started with {@code max_connections=}{@link #MAX_CONNECTIONS}. The proxy in
 * between injects nothing (against an external server it plays the server's limit, byte for
 * byte); it only counts connection attempts.
 */
public final class UnboundedScenario extends Scenario {

    /** The embedded server's max_connections (the demo starts it so). */
    public static final int MAX_CONNECTIONS = 20;

    @Override
    public int incident() {
        return 4;
    }

    @Override
    public String name() {
        return "unbounded";
    }

    @Override
    public ScenarioInfo info(DemoContext ctx) {
        return new ScenarioInfo(name(), 4, "Unbounded parallelism, no client pool",
                "Connection failures under load (WinError 10035 / 10054) from an application with no pool and no bound on parallelism",
                ctx.embedded
                        ? "PostgreSQL itself, started with max_connections=" + MAX_CONNECTIONS + ", refuses the excess: "
                        + "FATAL 53300 \"sorry, too many clients already\"."
                        : "The fault proxy plays a server with max_connections=" + MAX_CONNECTIONS + " in front of your server, "
                        + "refusing the excess with PostgreSQL's own FATAL 53300 \"sorry, too many clients already\", byte for byte.",
                "60 threads, each opening a connection of its own (DriverManager) for every operation, 50% inserts and 50% reads; "
                        + "nothing bounds how many are open at once.",
                "Caps connections per database (lifeline.jdbc.maxConnections, adaptive by default: it learns the server's limit from its 53300 refusals) so the excess "
                        + "queues for a free slot instead of being refused, and retries an acquisition refused with 53300.",
                "connections that reached the proxy beyond the one per operation the application asked for (re-attempted connects).",
                "");
    }

    @Override
    public RunRecord run(DemoContext ctx, boolean agent) throws Exception {
        ScenarioInfo info = info(ctx);
        String run = ctx.runLabel(info, agent);
        try (FaultProxy proxy = FaultProxy.start(ctx.database.host(), ctx.database.port())) {
            if (!ctx.embedded) {
                proxy.limitConnections(MAX_CONNECTIONS, FaultProxy.Refusal.POSTGRES_TOO_MANY_CLIENTS);
            }
            DemoContext.ChildRun child = ctx.runChild(info, agent, JdbcAppWorkload.class,
                    "url=" + DemoContext.plainUrl(ctx.database.urlVia(proxy.host(), proxy.port())),
                    "run=" + run, "seed=" + ctx.seed, "mode=driver", "threads=60", "ops=" + ctx.size(4, 12),
                    "writePercent=50", "holdMs=50");
            long retries = Math.max(0, proxy.acceptedTotal() - child.resultInt("ops"));
            // Refusals by the server: those the application caught, plus each one Lifeline retried.
            long refusals = ctx.embedded ? countRefusals(child) + retries : proxy.refusedTotal();
            return ctx.record(info, agent, child, child.acks().size(), ctx.checkJdbcWrites(run, child.acks()), retries, refusals);
        }
    }

    /** Refusals by the server itself, as the application caught them (SQLState 53300). */
    private static long countRefusals(DemoContext.ChildRun child) throws IOException {
        long n = 0;
        for (String line : Files.readAllLines(child.dir.resolve("errors.txt"))) {
            if (line.contains("53300")) {
                n += Long.parseLong(line.substring(0, line.indexOf('\t')));
            }
        }
        return n;
    }
}

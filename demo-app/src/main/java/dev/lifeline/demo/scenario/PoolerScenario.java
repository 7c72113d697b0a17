package dev.lifeline.demo.scenario;

import dev.lifeline.demo.proxy.FaultProxy;
import dev.lifeline.demo.report.RunRecord;
import dev.lifeline.demo.report.ScenarioInfo;

/**
 * Incident 5: Supabase's pooler (Supavisor) in session mode admits pool_size clients and refuses
 * the rest. The fault proxy refuses clients past {@link #POOL_SIZE} with the pooler's own FATAL
 * ErrorResponse, byte for byte.
 */
final class PoolerScenario extends Scenario {

    static final int POOL_SIZE = 5;
    /**
     * Below pool_size on purpose: the pooler still counts a client for the few milliseconds its
     * server backend takes to exit after the client closed, and a thread that reconnects at once
     * races it. At pool_size - 1 the retry budget (a fifth of the calls in flight) was still
     * sometimes spent; at 3 the queue absorbs the churn.
     */
    static final int CAP = 3;

    @Override
    public int incident() {
        return 5;
    }

    @Override
    public String name() {
        return "pooler";
    }

    @Override
    public ScenarioInfo info(DemoContext ctx) {
        return new ScenarioInfo(name(), 5, "A pooler refusing clients past its limit",
                "FATAL MaxClientsInSessionMode: max clients reached (Supavisor in session mode); no Windows error involved",
                "The same bytes on every platform: the fault proxy answers clients past pool_size=" + POOL_SIZE + " with Supavisor's "
                        + "FATAL XX000 \"MaxClientsInSessionMode: max clients reached - in Session mode max clients are limited to "
                        + "pool_size\", as the pooler did before 2025.",
                "20 threads each open a connection of their own for every operation (50% inserts, 50% reads) through the pooler.",
                "Caps connections to the database below the pooler's limit (lifeline.jdbc.maxConnections=" + CAP + ", leaving room "
                        + "for connections the pooler still counts while they close) so callers queue with a bounded wait, and retries a refused acquisition with backoff (the refusal message is known "
                        + "byte for byte).",
                "connections that reached the pooler beyond the one per operation the application asked for (re-attempted connects).",
                "lifeline.jdbc.maxConnections=" + CAP);
    }

    @Override
    public RunRecord run(DemoContext ctx, boolean agent) throws Exception {
        ScenarioInfo info = info(ctx);
        String run = ctx.runLabel(info, agent);
        try (FaultProxy pooler = FaultProxy.start(ctx.database.host(), ctx.database.port())) {
            pooler.limitConnections(POOL_SIZE, FaultProxy.Refusal.SUPAVISOR_LEGACY_SESSION_MODE);
            DemoContext.ChildRun child = ctx.runChild(info, agent, JdbcAppWorkload.class,
                    "url=" + DemoContext.plainUrl(ctx.database.urlVia(pooler.host(), pooler.port())),
                    "run=" + run, "seed=" + ctx.seed, "mode=driver", "threads=20", "ops=" + ctx.size(6, 15),
                    "writePercent=50", "holdMs=50");
            long retries = Math.max(0, pooler.acceptedTotal() - child.resultInt("ops"));
            return ctx.record(info, agent, child, child.acks().size(), ctx.checkJdbcWrites(run, child.acks()), retries,
                    pooler.refusedTotal());
        }
    }
}

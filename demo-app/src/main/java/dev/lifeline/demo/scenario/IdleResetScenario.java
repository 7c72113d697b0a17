package dev.lifeline.demo.scenario;

import dev.lifeline.demo.proxy.FaultProxy;
import dev.lifeline.demo.report.RunRecord;
import dev.lifeline.demo.report.ScenarioInfo;

import java.time.Duration;

/**
 * Incident 2: connections kept and reused after an idle moment, which the other side has closed
 * in the meantime ({@link #IDLE_LIMIT_MS}). The application reuses one connection per thread, as
 * the seed's client did; a pool would be no different below HikariCP's own 500 ms validation
 * window.
 */
final class IdleResetScenario extends Scenario {

    static final int IDLE_LIMIT_MS = 200;
    /**
     * Think times: short ones the idle limit never reaches, long ones it always has (the proxy
     * checks every 50 ms). None near the limit itself, where a validation and the kill can cross on
     * the wire: a write then has an unknown outcome, which Lifeline reports and never re-runs.
     */
    static final String GAPS_MS = "0-100,320-500";

    @Override
    public int incident() {
        return 2;
    }

    @Override
    public String name() {
        return "idle-reset";
    }

    @Override
    public ScenarioInfo info(DemoContext ctx) {
        return new ScenarioInfo(name(), 2, "Reused connections closed while idle",
                "WinError 10054 (WSAECONNRESET, \"an existing connection was forcibly closed by the remote host\") on reused connections",
                "The same error on Linux: ECONNRESET, Java's \"SocketException: Connection reset\" (pgjdbc SQLState 08006). The fault "
                        + "proxy resets connections idle for more than " + IDLE_LIMIT_MS + " ms with SO_LINGER 0, a real RST, as a "
                        + "NAT, load balancer or pooler does when its idle timer fires (PostgreSQL's idle_session_timeout does the same "
                        + "with FATAL 57P05).",
                "4 threads each keep one connection for the whole run (reopened only when it reports itself closed) and run "
                        + "inserts and reads on it, thinking either under 100 ms or 320 to 500 ms (from the seed) between two.",
                "Validates a connection idle longer than lifeline.jdbc.validateAfterIdle before its next statement and swaps a "
                        + "dead one for a fresh connection under the application's Connection object, so the statement never meets the reset; a read that fails "
                        + "anyway is re-run, a write only when it provably was not sent.",
                "earlier attempts attached to the exceptions the application caught (statements Lifeline re-ran successfully "
                        + "are invisible to the application, so they are not counted).",
                "lifeline.jdbc.validateAfterIdle=120ms");
    }

    @Override
    public RunRecord run(DemoContext ctx, boolean agent) throws Exception {
        ScenarioInfo info = info(ctx);
        String run = ctx.runLabel(info, agent);
        try (FaultProxy proxy = FaultProxy.start(ctx.database.host(), ctx.database.port())) {
            proxy.closeIdleAfter(Duration.ofMillis(IDLE_LIMIT_MS));
            DemoContext.ChildRun child = ctx.runChild(info, agent, JdbcAppWorkload.class,
                    "url=" + DemoContext.plainUrl(ctx.database.urlVia(proxy.host(), proxy.port())),
                    "run=" + run, "seed=" + ctx.seed, "mode=reused", "threads=4",
                    "ops=" + ctx.size(12, 40), "writePercent=50", "holdMs=5", "gapsMs=" + GAPS_MS);
            return ctx.record(info, agent, child, child.acks().size(), ctx.checkJdbcWrites(run, child.acks()),
                    child.resultInt("suppressed"), proxy.resetTotal());
        }
    }
}

package dev.lifeline.demo.scenario;

import dev.lifeline.demo.proxy.FaultProxy;
import dev.lifeline.demo.report.RunRecord;
import dev.lifeline.demo.report.ScenarioInfo;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Incident 1: many parallel reads and writes at once, each on a connection of its own, in bursts.
 * In the seed, bursts like these failed with WinError 10035 (WSAEWOULDBLOCK). Java never surfaces
 * that error, so the proxy plays an endpoint whose backlog overflows: while more than
 * {@link #BACKLOG} connections are open through it, new ones are reset on arrival.
 */
final class BurstScenario extends Scenario {

    /** Connections the endpoint takes at once before it resets newcomers; the agent's default cap (15) is below it, by a margin for connections still closing. */
    static final int BACKLOG = 18;

    @Override
    public int incident() {
        return 1;
    }

    @Override
    public String name() {
        return "bursts";
    }

    @Override
    public ScenarioInfo info(DemoContext ctx) {
        return new ScenarioInfo(name(), 1, "Parallel reads and writes in bursts",
                "WinError 10035 (WSAEWOULDBLOCK, \"a non-blocking socket operation could not be completed immediately\") "
                        + "when many calls ran in parallel",
                "Java never surfaces EWOULDBLOCK (EAGAIN). The fault proxy plays an endpoint whose backlog overflows under "
                        + "the same burst: while more than " + BACKLOG + " connections are in flight, new ones are reset (RST) "
                        + "on arrival; the application sees \"Connection reset\" / SQLState 08001 or 08006.",
                "24 threads start an operation at the same instant, 50% autocommit inserts and 50% reads, each on a "
                        + "connection of its own (DriverManager), then pause and burst again.",
                "Connection acquisition is always safe to retry (no statement has run): refused and reset connects are retried "
                        + "with exponential backoff and full jitter, and the per-database cap (default 15) makes the burst queue "
                        + "below the endpoint's limit instead of overflowing it.",
                "connections that reached the proxy beyond the one per operation the application asked for (re-attempted connects).",
                "");
    }

    @Override
    public RunRecord run(DemoContext ctx, boolean agent) throws Exception {
        ScenarioInfo info = info(ctx);
        String run = ctx.runLabel(info, agent);
        int threads = 24;
        int rounds = ctx.size(8, 25);
        try (FaultProxy proxy = FaultProxy.start(ctx.database.host(), ctx.database.port())) {
            AtomicBoolean stop = new AtomicBoolean();
            Thread guard = new Thread(() -> overflowGuard(proxy, stop), "backlog-overflow");
            guard.setDaemon(true);
            guard.start();
            DemoContext.ChildRun child;
            try {
                child = ctx.runChild(info, agent, JdbcAppWorkload.class,
                        "url=" + DemoContext.plainUrl(ctx.database.urlVia(proxy.host(), proxy.port())),
                        "run=" + run, "seed=" + ctx.seed, "mode=driver", "threads=" + threads, "ops=" + rounds,
                        "writePercent=50", "holdMs=30", "bursts=true", "burstPauseMs=150");
            } finally {
                stop.set(true);
                guard.join();
            }
            int ops = child.resultInt("ops");
            long retries = Math.max(0, proxy.acceptedTotal() - ops);
            return ctx.record(info, agent, child, child.acks().size(), ctx.checkJdbcWrites(run, child.acks()), retries,
                    proxy.refusedTotal() + proxy.resetTotal());
        }
    }

    /**
     * While more than BACKLOG connections are open, arrivals are reset, and for 20 ms after the
     * overflow drains (an overflowing endpoint stalls a moment before it recovers).
     */
    private static void overflowGuard(FaultProxy proxy, AtomicBoolean stop) {
        while (!stop.get()) {
            if (proxy.openConnections() > BACKLOG) {
                proxy.refuseConnectionsFor(Duration.ofMillis(20));
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                return;
            }
        }
        proxy.refuseConnections(false);
    }
}

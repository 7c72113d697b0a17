package dev.lifeline.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.lifeline.demo.proxy.FaultProxy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The application measured for recovery: 2 threads of SELECT 1 through HikariCP, as in the
 * throughput run, reaching PostgreSQL through a {@link FaultProxy}. After a warm-up the proxy
 * resets every open connection and refuses new ones for the outage, then lets connections through
 * again ("the server comes back"). The proxy runs in this JVM only so that the moment it comes back
 * and the calls' clocks are the same clock; no agent instruments raw sockets.
 *
 * <p>The application does what an ordinary one does: a failed call is reported, and the thread goes
 * on with its next call after 10 ms. HikariCP's {@code connectionTimeout} is 1 s, so that without an
 * agent a caller waiting for a connection fails inside the outage instead of waiting it out.
 *
 * <p>Prints {@code RESULT first_success_after_up_ms=.. affected=.. affected_failed=.. affected_p50_ms=..
 * affected_p99_ms=.. affected_max_ms=.. failed_total=.. calls=..}. "Affected" calls overlap the outage:
 * they started before the server came back and ended after it went away, i.e. the calls that needed a
 * retry to succeed.
 *
 * <pre>RecoveryApp pgHost pgPort database user warmupMs outageMs afterMs</pre>
 */
public final class RecoveryApp {

    public static void main(String[] args) throws Exception {
        String pgHost = args[0];
        int pgPort = Integer.parseInt(args[1]);
        String database = args[2];
        String user = args[3];
        long warmupMs = Long.parseLong(args[4]);
        long outageMs = Long.parseLong(args[5]);
        long afterMs = Long.parseLong(args[6]);

        try (FaultProxy proxy = FaultProxy.start(pgHost, pgPort)) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl("jdbc:postgresql://" + proxy.host() + ":" + proxy.port() + "/" + database + "?user=" + user);
            config.setPoolName("recovery");
            config.setMaximumPoolSize(2);
            config.setMinimumIdle(2);
            config.setConnectionTimeout(1000);
            try (HikariDataSource pool = new HikariDataSource(config)) {
                Timeline timeline = new Timeline();
                List<Worker> workers = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    Worker worker = new Worker(pool, timeline);
                    worker.thread = new Thread(worker, "recovery-" + t);
                    workers.add(worker);
                    worker.thread.start();
                }
                Thread.sleep(warmupMs);
                timeline.downNanos = System.nanoTime();
                proxy.refuseConnections(true);
                proxy.resetAll();
                Thread.sleep(outageMs);
                proxy.refuseConnections(false);
                timeline.upNanos = System.nanoTime();
                Thread.sleep(afterMs);
                timeline.stop = true;
                for (Worker worker : workers) {
                    worker.thread.join();
                }
                report(workers, timeline);
            }
        }
    }

    private static void report(List<Worker> workers, Timeline timeline) {
        long firstSuccessAfterUp = Long.MAX_VALUE;
        List<Long> affected = new ArrayList<>();
        long affectedFailed = 0;
        long failedTotal = 0;
        long calls = 0;
        String firstFailure = null;
        for (Worker worker : workers) {
            for (long[] call : worker.calls) {
                long started = call[0];
                long ended = call[1];
                boolean ok = call[2] == 1;
                calls++;
                if (!ok) {
                    failedTotal++;
                }
                if (started < timeline.downNanos) {
                    if (ended < timeline.downNanos) {
                        continue; // warm-up
                    }
                }
                if (ok && ended >= timeline.upNanos) {
                    firstSuccessAfterUp = Math.min(firstSuccessAfterUp, ended);
                }
                if (started < timeline.upNanos && ended > timeline.downNanos) {
                    affected.add(ended - started);
                    if (!ok) {
                        affectedFailed++;
                    }
                }
            }
            if (firstFailure == null) {
                firstFailure = worker.firstFailure;
            }
        }
        long[] sorted = Stats.sorted(affected);
        System.out.printf(Locale.ROOT,
                "RESULT first_success_after_up_ms=%.1f affected=%d affected_failed=%d affected_p50_ms=%.1f affected_p99_ms=%.1f affected_max_ms=%.1f failed_total=%d calls=%d%n",
                firstSuccessAfterUp == Long.MAX_VALUE ? -1.0 : (firstSuccessAfterUp - timeline.upNanos) / 1e6,
                sorted.length, affectedFailed,
                Stats.percentile(sorted, 50) / 1e6, Stats.percentile(sorted, 99) / 1e6,
                sorted.length == 0 ? 0.0 : sorted[sorted.length - 1] / 1e6,
                failedTotal, calls);
        if (firstFailure != null) {
            System.out.println("FIRST_FAILURE " + firstFailure);
        }
    }

    private static final class Timeline {
        volatile long downNanos = Long.MAX_VALUE;
        volatile long upNanos = Long.MAX_VALUE;
        volatile boolean stop;
    }

    private static final class Worker implements Runnable {
        private final HikariDataSource pool;
        private final Timeline timeline;
        /** {started, ended, ok} per call; a few thousand calls at most in a run of seconds. */
        final List<long[]> calls = new ArrayList<>();
        String firstFailure;
        Thread thread;

        Worker(HikariDataSource pool, Timeline timeline) {
            this.pool = pool;
            this.timeline = timeline;
        }

        @Override
        public void run() {
            while (!timeline.stop) {
                long started = System.nanoTime();
                boolean ok;
                try (Connection c = pool.getConnection();
                     PreparedStatement ps = c.prepareStatement("select 1");
                     ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    ok = true;
                } catch (Exception e) {
                    ok = false;
                    if (firstFailure == null) {
                        firstFailure = e.getClass().getName() + ": " + String.valueOf(e.getMessage()).replace('\n', ' ');
                    }
                }
                long ended = System.nanoTime();
                calls.add(new long[]{started, ended, ok ? 1 : 0});
                if (!ok) {
                    sleepQuietly(10);
                } else {
                    // Pace the loop (~1 call per ms per thread) so the call list stays small and
                    // the recovery moment is seen with millisecond resolution.
                    sleepQuietly(1);
                }
            }
        }

        private static void sleepQuietly(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

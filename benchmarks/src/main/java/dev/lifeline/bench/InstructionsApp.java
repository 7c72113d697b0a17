package dev.lifeline.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

/**
 * The application whose instructions {@link InstructionsSection} counts, run under Valgrind's
 * callgrind: the throughput section's SELECT 1 and INSERT through HikariCP (pool of 2), on one
 * thread. After the warm-up it asks callgrind to zero its counts, then to dump them after every
 * window of calls, so each dump holds exactly that window's instructions.
 *
 * <pre>InstructionsApp jdbcUrl select|insert warmupCalls windowCalls windows</pre>
 */
public final class InstructionsApp {

    private InstructionsApp() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5 || !(args[1].equals("select") || args[1].equals("insert"))) {
            throw new IllegalArgumentException("usage: InstructionsApp jdbcUrl select|insert warmupCalls windowCalls windows");
        }
        boolean insert = args[1].equals("insert");
        int warmup = Integer.parseInt(args[2]);
        int window = Integer.parseInt(args[3]);
        int windows = Integer.parseInt(args[4]);
        String pid = Long.toString(ProcessHandle.current().pid());
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(args[0]);
        config.setPoolName("instructions");
        config.setMaximumPoolSize(2);
        config.setMinimumIdle(2);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            long v = 0;
            for (int i = 0; i < warmup; i++) {
                v = call(pool, insert, v);
            }
            callgrind("--zero", pid);
            for (int w = 1; w <= windows; w++) {
                for (int i = 0; i < window; i++) {
                    v = call(pool, insert, v);
                }
                callgrind("--dump=window " + w, pid);
                System.out.println("WINDOW " + w);
            }
            System.out.println("DONE calls=" + (warmup + (long) window * windows) + " last=" + v);
        }
    }

    /** One call of the throughput section's workload, the same code ({@link ThroughputApp#selectOne}, {@link ThroughputApp#insertRow}). */
    private static long call(HikariDataSource pool, boolean insert, long v) throws SQLException {
        if (insert) {
            ThroughputApp.insertRow(pool, ++v);
            return v;
        }
        return v + ThroughputApp.selectOne(pool);
    }

    /** {@code callgrind_control OPTION PID}, waited for: the dump is written before the next call. */
    private static void callgrind(String option, String pid) throws Exception {
        Process p = new ProcessBuilder("callgrind_control", option, pid)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("callgrind_control " + option + " " + pid + " failed: is this JVM running under callgrind?");
        }
    }
}

package dev.lifeline.demo.scenario;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;

/**
 * The application of incidents 1, 2, 4 and 5, written the way the seed's applications were and
 * knowing nothing of Lifeline: threads doing reads and autocommit inserts, each operation either on
 * a connection of its own ({@code mode=driver}: the "no pool" of incident 4), borrowed from a
 * HikariCP pool ({@code mode=hikari}), or on one connection per thread kept for the whole run and
 * reopened only when it reports itself closed ({@code mode=reused}: incident 2). The plan of operations (which is a read, which a write,
 * the pauses) comes from the seed alone, so the run without and the run with the agent do the same
 * thing.
 *
 * <p>Arguments ({@code key=value}): url, dir (where {@link OperationLog} writes), run (a label
 * stored with each row), idBase, seed, mode (driver | hikari | reused), poolSize (4), threads (8), ops per
 * thread (10), writePercent (50), holdMs (20: each statement also sleeps this long on the server,
 * so connections overlap as real work does), bursts (false: when true, all threads start each
 * operation together, then pause burstPauseMs), gapsMs (0-0: ranges such as 0-100,300-500 a
 * thread's pause before each operation is drawn from, with the seed).
 */
public final class JdbcAppWorkload {

    private JdbcAppWorkload() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        String url = args.get("url");
        String run = args.get("run", "run");
        long idBase = args.getLong("idBase", 0);
        long seed = args.getLong("seed", 42);
        int threads = args.getInt("threads", 8);
        int ops = args.getInt("ops", 10);
        int writePercent = args.getInt("writePercent", 50);
        double holdSeconds = args.getInt("holdMs", 20) / 1000.0;
        boolean bursts = Boolean.parseBoolean(args.get("bursts", "false"));
        long burstPauseMs = args.getLong("burstPauseMs", 200);
        int[][] gaps = gapRanges(args.get("gapsMs", "0-0"));
        String fullUrl = url + (url.contains("?") ? "&" : "?") + "ApplicationName=" + args.get("applicationName", "demo-" + run);

        HikariDataSource pool = null;
        if (args.get("mode", "driver").equals("hikari")) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(fullUrl);
            config.setMaximumPoolSize(args.getInt("poolSize", 4));
            config.setMinimumIdle(args.getInt("poolSize", 4));
            config.setConnectionTimeout(10_000);
            config.setInitializationFailTimeout(-1);
            pool = new HikariDataSource(config);
        }
        HikariDataSource dataSource = pool;
        boolean reuse = args.get("mode", "driver").equals("reused");
        CyclicBarrier burst = bursts ? new CyclicBarrier(threads, () -> sleep(burstPauseMs)) : null;

        try (OperationLog log = new OperationLog(args.get("dir"))) {
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Thread worker = new Thread(() -> {
                    Random plan = new Random(seed * 1_000_003L + thread);
                    Connection[] kept = new Connection[1];
                    for (int i = 0; i < ops; i++) {
                        boolean write = plan.nextInt(100) < writePercent;
                        int[] range = gaps[plan.nextInt(gaps.length)];
                        long gap = range[0] + plan.nextInt(range[1] - range[0] + 1);
                        long id = idBase + thread * 100_000L + i;
                        if (burst != null) {
                            try {
                                burst.await();
                            } catch (InterruptedException | BrokenBarrierException e) {
                                return;
                            }
                        }
                        if (gap > 0) {
                            sleep(gap);
                        }
                        long start = log.now();
                        if (reuse) {
                            try {
                                // The usual "reconnect if closed" of an application that keeps its connection.
                                if (kept[0] == null || kept[0].isClosed()) {
                                    kept[0] = DriverManager.getConnection(fullUrl);
                                }
                                operate(kept[0], write, id, run, idBase, holdSeconds, log, start);
                            } catch (SQLException e) {
                                log.failed(start, write, e);
                            }
                            continue;
                        }
                        try (Connection connection = dataSource != null ? dataSource.getConnection() : DriverManager.getConnection(fullUrl)) {
                            operate(connection, write, id, run, idBase, holdSeconds, log, start);
                        } catch (SQLException e) {
                            log.failed(start, write, e);
                        }
                    }
                    closeQuietly(kept[0]);
                }, "app-" + t);
                workers.add(worker);
                worker.start();
            }
            for (Thread worker : workers) {
                worker.join();
            }
        } finally {
            if (pool != null) {
                pool.close();
            }
        }
    }

    /** "0-100,300-500": think times drawn from one of these ranges (ms), each range equally likely. */
    private static int[][] gapRanges(String text) {
        String[] parts = text.split(",");
        int[][] ranges = new int[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            String[] bounds = parts[i].trim().split("-");
            ranges[i] = new int[]{Integer.parseInt(bounds[0]), Integer.parseInt(bounds[bounds.length - 1])};
        }
        return ranges;
    }

    private static void operate(Connection connection, boolean write, long id, String run, long idBase,
                                double holdSeconds, OperationLog log, long start) throws SQLException {
        if (write) {
            insert(connection, id, run, holdSeconds);
            log.ok(start, true, String.valueOf(id));
        } else {
            read(connection, idBase, holdSeconds);
            log.ok(start, false, null);
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already gone
            }
        }
    }

    /** An autocommit insert of a unique id; the server holds it holdSeconds first (real work takes time). */
    private static void insert(Connection connection, long id, String run, double holdSeconds) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO demo_writes (id, run, note) SELECT ?, ?, ? FROM pg_sleep(?)")) {
            insert.setLong(1, id);
            insert.setString(2, run);
            insert.setString(3, "order " + id);
            insert.setDouble(4, holdSeconds);
            insert.executeUpdate();
        }
    }

    private static void read(Connection connection, long idBase, double holdSeconds) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT count(*) FROM pg_sleep(?), demo_writes WHERE id >= ? AND id < ?")) {
            select.setDouble(1, holdSeconds);
            select.setLong(2, idBase);
            select.setLong(3, idBase + 10_000_000L);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

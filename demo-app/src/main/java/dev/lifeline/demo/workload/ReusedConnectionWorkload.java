package dev.lifeline.demo.workload;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Incident 2's connection test, as the application in the seed wrote it, with no pool: one query;
 * 10 sequential connections; 10 queries on one reused connection with idle gaps; 20 concurrent
 * queries over a few shared long-lived connections after an idle gap; several tables written and
 * read on a reused connection. Reports per part:
 * <pre>
 * PART name=reuse ok=N failed=M
 * RESULT ok=N failed=M
 * </pre>
 * Arguments: url, gapMs (500: idle time between uses of a reused connection).
 */
public final class ReusedConnectionWorkload {

    private static final AtomicInteger OK = new AtomicInteger();
    private static final AtomicInteger FAILED = new AtomicInteger();

    public static void main(String[] args) throws Exception {
        java.util.Map<String, String> options = Options.parse(args);
        String url = options.get("url");
        long gapMs = Long.parseLong(options.getOrDefault("gapMs", "500"));
        int reuseCount = Integer.parseInt(options.getOrDefault("reuseCount", "10"));
        java.util.Set<String> parts = new java.util.HashSet<>(java.util.Arrays.asList(
                options.getOrDefault("parts", "single,sequential,reuse,concurrent,tables").split(",")));

        if (parts.contains("single")) part("single", () -> {
            try (Connection c = DriverManager.getConnection(url)) {
                query(c, "SELECT 1");
            }
        }, 1);
        if (parts.contains("sequential")) part("sequential", () -> {
            try (Connection c = DriverManager.getConnection(url)) {
                query(c, "SELECT 1");
            }
        }, 10);

        Connection reused = DriverManager.getConnection(url);
        if (parts.contains("reuse")) part("reuse", () -> {
            Thread.sleep(gapMs);
            query(reused, "SELECT 1");
        }, reuseCount);
        if (parts.contains("concurrent")) concurrent(url, gapMs);
        if (parts.contains("tables")) tables(url, reused, gapMs);
        System.out.println("RESULT ok=" + OK.get() + " failed=" + FAILED.get());
    }

    private static void concurrent(String url, long gapMs) throws Exception {

        List<Connection> shared = new ArrayList<>();
        AtomicInteger concurrentOk = new AtomicInteger();
        AtomicInteger concurrentFailed = new AtomicInteger();
        try {
            for (int i = 0; i < 4; i++) {
                Connection c = DriverManager.getConnection(url);
                query(c, "SELECT 1"); // at once: on a busy machine a connection opened earlier may already be idle too long
                shared.add(c);
            }
        } catch (SQLException e) {
            // Without help the set-up itself can meet a connection the proxy killed: the part failed.
            System.out.println("FAILURE part=concurrent message=" + AcquireWorkload.oneLine(e.getMessage()));
            FAILED.addAndGet(20);
            System.out.println("PART name=concurrent ok=0 failed=20");
            return;
        }
        Thread.sleep(gapMs);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 20; t++) {
            Connection c = shared.get(t % shared.size());
            Thread thread = new Thread(() -> {
                try {
                    synchronized (c) {
                        query(c, "SELECT pg_sleep(0.01), 1");
                    }
                    concurrentOk.incrementAndGet();
                } catch (Exception e) {
                    concurrentFailed.incrementAndGet();
                    System.out.println("FAILURE part=concurrent message=" + AcquireWorkload.oneLine(e.getMessage()));
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        OK.addAndGet(concurrentOk.get());
        FAILED.addAndGet(concurrentFailed.get());
        System.out.println("PART name=concurrent ok=" + concurrentOk.get() + " failed=" + concurrentFailed.get());
    }

    private static void tables(String url, Connection reused, long gapMs) throws Exception {

        String[] tables = {"incident2_users", "incident2_orders", "incident2_events"};
        for (String table : tables) {
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + table + " (id bigint, note text)");
                s.execute("TRUNCATE " + table);
            }
        }
        int[] row = {0};
        part("tables", () -> {
            Thread.sleep(gapMs);
            String table = tables[row[0] % tables.length];
            int id = ++row[0];
            try (Statement s = reused.createStatement()) {
                // A read first after the gap: the stale connection is found before any write is sent.
                query(reused, "SELECT count(*) FROM " + table);
                s.executeUpdate("INSERT INTO " + table + " VALUES (" + id + ", 'row " + id + "')");
            }
        }, 6);
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void part(String name, Step step, int times) {
        int ok = 0;
        int failed = 0;
        for (int i = 0; i < times; i++) {
            try {
                step.run();
                ok++;
            } catch (Exception e) {
                failed++;
                System.out.println("FAILURE part=" + name + " sqlstate="
                        + (e instanceof SQLException ? ((SQLException) e).getSQLState() : "-")
                        + " message=" + AcquireWorkload.oneLine(e.getMessage()));
            }
        }
        OK.addAndGet(ok);
        FAILED.addAndGet(failed);
        System.out.println("PART name=" + name + " ok=" + ok + " failed=" + failed);
    }

    private static void query(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
        }
    }
}

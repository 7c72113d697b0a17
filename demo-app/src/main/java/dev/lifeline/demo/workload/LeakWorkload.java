package dev.lifeline.demo.workload;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * An ordinary JDBC application with a connection leak: it opens {@code leak} connections, uses
 * each once and drops it without closing it (a forgotten close on an error path), then, after a
 * garbage collection such as memory pressure brings ({@code gc=true}), opens {@code more}
 * connections one after another, closing these properly.
 * <pre>
 * FAILURE type=... sqlstate=... elapsedMs=T message=...
 * RESULT ok=N failed=M slowestMs=T
 * </pre>
 * After the RESULT line it waits for the gate file, if one is given, so that the test can look at
 * the agent's {@code /health} while the leaked connections may still be open.
 * Arguments: url (required), leak (2), more (3), gc (true), applicationName, gate.
 */
public final class LeakWorkload {

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Options.parse(args);
        String url = options.get("url");
        String fullUrl = url + (url.contains("?") ? "&" : "?") + "ApplicationName="
                + options.getOrDefault("applicationName", "lifeline-leak");
        int leak = Integer.parseInt(options.getOrDefault("leak", "2"));
        int more = Integer.parseInt(options.getOrDefault("more", "3"));

        for (int i = 0; i < leak; i++) {
            useAndDrop(fullUrl);
        }
        if (Boolean.parseBoolean(options.getOrDefault("gc", "true"))) {
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(100);
            }
        }
        int ok = 0;
        int failed = 0;
        long slowestMs = 0;
        for (int i = 0; i < more; i++) {
            long start = System.nanoTime();
            try (Connection connection = DriverManager.getConnection(fullUrl);
                 Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("select 1")) {
                rs.next();
                ok++;
            } catch (SQLException e) {
                failed++;
                System.out.println("FAILURE type=" + e.getClass().getName() + " sqlstate=" + e.getSQLState()
                        + " elapsedMs=" + (System.nanoTime() - start) / 1_000_000
                        + " message=" + AcquireWorkload.oneLine(e.getMessage()));
            }
            slowestMs = Math.max(slowestMs, (System.nanoTime() - start) / 1_000_000);
        }
        System.out.println("RESULT ok=" + ok + " failed=" + failed + " slowestMs=" + slowestMs);
        System.out.flush();
        Gate.await(options.get("gate"), 60_000);
    }

    /** In a method of its own, so that no local variable of the caller keeps the leaked connection reachable. */
    private static void useAndDrop(String url) throws SQLException {
        Connection connection = DriverManager.getConnection(url);
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("select 1")) {
            rs.next();
        }
    }
}

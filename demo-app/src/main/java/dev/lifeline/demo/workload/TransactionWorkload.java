package dev.lifeline.demo.workload;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * An ordinary application on one long-lived connection. mode=transaction: an explicit transaction
 * of two inserts, retried by the application itself (up to 3 times) on failure, on the same
 * Connection object. mode=insert: one autocommit insert, not retried by the application.
 * <pre>
 * FAILURE attempt=N type=... sqlstate=... message=...
 * RESULT ok=1 failed=N
 * </pre>
 * Arguments: url, mode (transaction), table (tx_rows), firstId (1).
 */
public final class TransactionWorkload {

    public static void main(String[] args) throws Exception {
        java.util.Map<String, String> options = Options.parse(args);
        String url = options.get("url");
        String mode = options.getOrDefault("mode", "transaction");
        String table = options.getOrDefault("table", "tx_rows");
        long firstId = Long.parseLong(options.getOrDefault("firstId", "1"));

        Connection connection = DriverManager.getConnection(url);
        try (Statement warmUp = connection.createStatement(); ResultSet rs = warmUp.executeQuery("SELECT 1")) {
            rs.next();
        }
        int failed = 0;
        int ok = 0;
        int attempts = mode.equals("transaction") ? 3 : 1;
        for (int attempt = 1; attempt <= attempts && ok == 0; attempt++) {
            try {
                if (mode.equals("transaction")) {
                    connection.setAutoCommit(false);
                    try (Statement s = connection.createStatement()) {
                        s.executeUpdate("INSERT INTO " + table + " (id, note) VALUES (" + firstId + ", 'first')");
                        s.executeUpdate("INSERT INTO " + table + " (id, note) VALUES (" + (firstId + 1) + ", 'second')");
                    }
                    connection.commit();
                } else {
                    try (Statement s = connection.createStatement()) {
                        s.executeUpdate("INSERT INTO " + table + " (id, note) VALUES (" + firstId + ", 'once')");
                    }
                }
                ok = 1;
            } catch (SQLException e) {
                failed++;
                System.out.println("FAILURE attempt=" + attempt + " type=" + e.getClass().getName() + " sqlstate="
                        + e.getSQLState() + " notes=" + AcquireWorkload.oneLine(suppressedMessages(e))
                        + " message=" + AcquireWorkload.oneLine(e.getMessage()));
                try {
                    connection.rollback();
                } catch (SQLException ignored) {
                    // the connection may be gone; the next attempt will tell
                }
            }
        }
        System.out.println("RESULT ok=" + ok + " failed=" + failed);
    }

    /** What rides along as suppressed exceptions (an agent's explanation, say), as a log would show it. */
    static String suppressedMessages(Throwable e) {
        StringBuilder notes = new StringBuilder();
        for (Throwable s : e.getSuppressed()) {
            notes.append(notes.length() == 0 ? "" : " | ").append(s.getMessage());
        }
        return notes.length() == 0 ? "-" : notes.toString();
    }
}

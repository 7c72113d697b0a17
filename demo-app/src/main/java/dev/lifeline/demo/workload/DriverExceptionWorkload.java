package dev.lifeline.demo.workload;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * An ordinary JDBC application that inspects the exception the driver gave it, as frameworks do
 * (exception translators read the SQLState and walk the causes; some attach a cause of their own
 * with {@code initCause}). mode=connect opens one connection to {@code url}; mode=insert inserts
 * {@code id} into {@code table} in autocommit (a duplicate key, or a write whose connection is
 * lost, as the test arranges). It prints
 * <pre>
 * OUTCOME type=... sqlstate=... cause=CLASS|- suppressed=K lifelineNotes=N initCause=allowed|REFUSAL elapsedMs=T message=...
 * </pre>
 * ({@code type=-} when nothing failed). {@code lifelineNotes} counts suppressed exceptions that
 * are no exception of the driver's (an agent's explanation). Arguments: url (required), mode
 * (connect), table (dup_keys), id (1).
 */
public final class DriverExceptionWorkload {

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Options.parse(args);
        String mode = options.getOrDefault("mode", "connect");
        long start = System.nanoTime();
        SQLException failure = null;
        try {
            if (mode.equals("connect")) {
                DriverManager.getConnection(options.get("url")).close();
            } else if (mode.equals("insert")) {
                try (Connection connection = DriverManager.getConnection(options.get("url"));
                     Statement statement = connection.createStatement()) {
                    statement.executeUpdate("insert into " + options.getOrDefault("table", "dup_keys")
                            + " (id) values (" + Long.parseLong(options.getOrDefault("id", "1")) + ")");
                }
            } else {
                throw new IllegalArgumentException("unknown mode " + mode);
            }
        } catch (SQLException e) {
            failure = e;
        }
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        if (failure == null) {
            System.out.println("OUTCOME type=- sqlstate=- cause=- suppressed=0 lifelineNotes=0 initCause=- elapsedMs="
                    + elapsedMs + " message=");
            return;
        }
        Throwable cause = failure.getCause();
        int notes = 0;
        for (Throwable s : failure.getSuppressed()) {
            if (!(s instanceof SQLException)) {
                notes++;
            }
        }
        String initCause;
        try {
            IllegalStateException own = new IllegalStateException("the application's own cause");
            failure.initCause(own);
            initCause = failure.getCause() == own ? "allowed" : "ignored";
        } catch (IllegalStateException | IllegalArgumentException refused) {
            initCause = refused.getClass().getSimpleName();
        }
        System.out.println("OUTCOME type=" + failure.getClass().getName() + " sqlstate=" + failure.getSQLState()
                + " cause=" + (cause == null ? "-" : cause.getClass().getName())
                + " suppressed=" + failure.getSuppressed().length + " lifelineNotes=" + notes
                + " initCause=" + initCause + " elapsedMs=" + elapsedMs
                + " message=" + AcquireWorkload.oneLine(failure.getMessage()));
        System.out.flush();
    }
}

package dev.lifeline.demo.workload;

import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * An ordinary application that opens a connection to a port where nothing listens. Without the
 * agent it fails once; with it the refusal is retried, and the failure it finally gets carries the
 * earlier attempts as suppressed exceptions. Prints {@code ATTACHED attempts=N} when that happened,
 * which proves the agent attached and transformed the driver on the JVM running it (CI runs it on
 * every JDK it has).
 */
public final class AttachCheck {

    public static void main(String[] args) throws Exception {
        try {
            DriverManager.getConnection("jdbc:postgresql://127.0.0.1:1/none?user=nobody&connectTimeout=2").close();
            System.out.println("UNEXPECTED a server answered on port 1");
        } catch (SQLException e) {
            long earlier = java.util.Arrays.stream(e.getSuppressed()).filter(s -> s instanceof SQLException).count();
            System.out.println((earlier > 0 ? "ATTACHED" : "NOT ATTACHED") + " attempts=" + (earlier + 1)
                    + " sqlstate=" + e.getSQLState() + " java=" + System.getProperty("java.version"));
        }
    }
}

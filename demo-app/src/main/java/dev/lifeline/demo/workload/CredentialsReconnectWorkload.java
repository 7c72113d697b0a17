package dev.lifeline.demo.workload;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;

/**
 * An ordinary JDBC application that keeps its password and SSL settings in a defaults object
 * ({@code new Properties(defaults)}, as configuration libraries build them) and runs two SELECTs
 * on one connection, some time apart. Between the two it waits for the gate file (the test
 * terminates its backend meanwhile). Each SELECT reports who the server thinks it is:
 * <pre>
 * FIRST user=U ssl=true pid=P
 * SECOND user=U ssl=true pid=P        (or FAILURE type=... sqlstate=... message=...)
 * RESULT second=ok|failed
 * </pre>
 * Arguments: url (required, without credentials), user, password, sslmode, sslrootcert,
 * applicationName, gate.
 */
public final class CredentialsReconnectWorkload {

    private static final String WHO = "select current_user, (select ssl from pg_stat_ssl where pid = pg_backend_pid()),"
            + " pg_backend_pid()";

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Options.parse(args);
        Properties defaults = new Properties();
        defaults.setProperty("password", options.getOrDefault("password", ""));
        if (options.containsKey("sslmode")) {
            defaults.setProperty("sslmode", options.get("sslmode"));
        }
        if (options.containsKey("sslrootcert")) {
            defaults.setProperty("sslrootcert", options.get("sslrootcert"));
        }
        Properties properties = new Properties(defaults);
        properties.setProperty("user", options.getOrDefault("user", "postgres"));
        properties.setProperty("ApplicationName", options.getOrDefault("applicationName", "lifeline-credentials"));

        String second = "failed";
        try (Connection connection = DriverManager.getConnection(options.get("url"), properties)) {
            System.out.println("FIRST " + who(connection));
            System.out.flush();
            Gate.await(options.get("gate"), 60_000);
            try {
                System.out.println("SECOND " + who(connection));
                second = "ok";
            } catch (SQLException e) {
                System.out.println("FAILURE type=" + e.getClass().getName() + " sqlstate=" + e.getSQLState()
                        + " message=" + AcquireWorkload.oneLine(e.getMessage()));
            }
        } catch (SQLException e) {
            System.out.println("FAILURE type=" + e.getClass().getName() + " sqlstate=" + e.getSQLState()
                    + " message=" + AcquireWorkload.oneLine(e.getMessage()));
        }
        System.out.println("RESULT second=" + second);
        System.out.flush();
    }

    private static String who(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(WHO)) {
            rs.next();
            return "user=" + rs.getString(1) + " ssl=" + rs.getBoolean(2) + " pid=" + rs.getInt(3);
        }
    }
}

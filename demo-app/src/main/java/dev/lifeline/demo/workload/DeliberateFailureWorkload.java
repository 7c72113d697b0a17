package dev.lifeline.demo.workload;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * An ordinary JDBC application that stops its own long query on purpose, in each of the ways
 * JDBC offers, and relies on the driver's answer: {@code Connection.abort()} from another thread,
 * {@code Statement.cancel()} from another thread, {@code setQueryTimeout}, {@code setNetworkTimeout}
 * and pgjdbc's {@code socketTimeout} URL property. Each mode runs {@code select pg_sleep(30)} on a
 * connection of its own (application name {@code <applicationName>-<mode>}) and prints
 * <pre>
 * OUTCOME mode=M type=... sqlstate=... elapsedMs=T closed=true|false after=ok|SQLSTATE|- message=...
 * </pre>
 * ({@code type=-} when the statement returned normally; {@code after} is a {@code select 1} on the
 * same connection when it is still open). It then waits for the gate file {@code <gateDir>/<mode>}
 * before closing the connection and going on, so that the test can look at the server meanwhile.
 * Arguments: url (required), modes (abort,cancel,queryTimeout,networkTimeout,socketTimeout),
 * applicationName, gateDir, triggerMs (1000).
 */
public final class DeliberateFailureWorkload {

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Options.parse(args);
        String url = options.get("url");
        String modes = options.getOrDefault("modes", "abort,cancel,queryTimeout,networkTimeout,socketTimeout");
        String appName = options.getOrDefault("applicationName", "lifeline-deliberate");
        String gateDir = options.get("gateDir");
        long triggerMs = Long.parseLong(options.getOrDefault("triggerMs", "1000"));
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "application-timer");
            t.setDaemon(true);
            return t;
        });
        for (String mode : modes.split(",")) {
            String modeUrl = url + (url.contains("?") ? "&" : "?") + "ApplicationName=" + appName + "-" + mode
                    + (mode.equals("socketTimeout") ? "&socketTimeout=" + Math.max(1, triggerMs / 1000) : "");
            Connection connection = DriverManager.getConnection(modeUrl);
            try (Statement warmUp = connection.createStatement(); ResultSet rs = warmUp.executeQuery("select 1")) {
                rs.next();
            }
            Statement statement = connection.createStatement();
            switch (mode) {
                case "abort":
                    scheduler.schedule(() -> {
                        connection.abort(Runnable::run);
                        return null;
                    }, triggerMs, TimeUnit.MILLISECONDS);
                    break;
                case "cancel":
                    scheduler.schedule(() -> {
                        statement.cancel();
                        return null;
                    }, triggerMs, TimeUnit.MILLISECONDS);
                    break;
                case "queryTimeout":
                    statement.setQueryTimeout((int) Math.max(1, triggerMs / 1000));
                    break;
                case "networkTimeout":
                    connection.setNetworkTimeout(scheduler, (int) triggerMs);
                    break;
                case "socketTimeout":
                    break; // in the URL
                default:
                    throw new IllegalArgumentException("unknown mode " + mode);
            }
            long start = System.nanoTime();
            String type = "-";
            String sqlState = "-";
            String message = "";
            try (ResultSet rs = statement.executeQuery("select pg_sleep(30)")) {
                rs.next();
            } catch (SQLException e) {
                type = e.getClass().getName();
                sqlState = String.valueOf(e.getSQLState());
                message = AcquireWorkload.oneLine(e.getMessage());
            }
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            boolean closed = connection.isClosed();
            String after = "-";
            if (!closed) {
                try (Statement again = connection.createStatement(); ResultSet rs = again.executeQuery("select 1")) {
                    rs.next();
                    after = "ok";
                } catch (SQLException e) {
                    after = String.valueOf(e.getSQLState());
                }
            }
            System.out.println("OUTCOME mode=" + mode + " type=" + type + " sqlstate=" + sqlState + " elapsedMs=" + elapsedMs
                    + " closed=" + closed + " after=" + after + " message=" + message);
            System.out.flush();
            Gate.await(gateDir == null ? null : gateDir + "/" + mode, 60_000);
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already closed by the driver: nothing to release
            }
        }
        System.out.println("RESULT modes=" + modes.split(",").length);
        System.out.flush();
    }
}

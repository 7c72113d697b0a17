package dev.lifeline.demo.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The real PostgreSQL the demo and the tests run against: an embedded server (real binaries from
 * Maven Central, started here) by default, or an external one given by URL. Never an imitation.
 */
public final class Database implements AutoCloseable {

    private EmbeddedPostgres embedded;
    /** Set for a server that can be stopped and started again: same data directory, same port. */
    private final EmbeddedPostgres.Builder restartable;
    private final Path dataDirectory;
    private final String host;
    private final int port;
    private final String database;
    private final String user;
    private final String password;

    private Database(EmbeddedPostgres embedded, String host, int port, String database, String user, String password) {
        this(embedded, null, null, host, port, database, user, password);
    }

    private Database(EmbeddedPostgres embedded, EmbeddedPostgres.Builder restartable, Path dataDirectory,
                     String host, int port, String database, String user, String password) {
        this.embedded = embedded;
        this.restartable = restartable;
        this.dataDirectory = dataDirectory;
        this.host = host;
        this.port = port;
        this.database = database;
        this.user = user;
        this.password = password;
    }

    /** Starts an embedded PostgreSQL with the given server settings (e.g. max_connections=8). */
    public static Database embedded(Map<String, String> serverSettings) throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        for (Map.Entry<String, String> setting : serverSettings.entrySet()) {
            builder.setServerConfig(setting.getKey(), setting.getValue());
        }
        EmbeddedPostgres pg = builder.start();
        return new Database(pg, "127.0.0.1", pg.getPort(), "postgres", "postgres", "");
    }

    /**
     * An embedded PostgreSQL that {@link #stopServer()} and {@link #startServer()} really stop and
     * start again, on the same data directory and the same port, as an administrator's restart does.
     */
    public static Database restartable(Map<String, String> serverSettings) throws IOException {
        Path dir = Files.createTempDirectory("lifeline-pg");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dir.toFile())
                .setCleanDataDirectory(false)
                .setPort(port);
        for (Map.Entry<String, String> setting : serverSettings.entrySet()) {
            builder.setServerConfig(setting.getKey(), setting.getValue());
        }
        return new Database(builder.start(), builder, dir, "127.0.0.1", port, "postgres", "postgres", "");
    }

    /**
     * Stops the server with a fast shutdown ({@code pg_ctl stop -m fast}: sessions are terminated with
     * 57P01, transactions in progress roll back); returns once it is down and its port refuses connections.
     */
    public synchronized void stopServer() throws IOException {
        if (restartable == null) {
            throw new IllegalStateException("this server was not started restartable");
        }
        if (embedded != null) {
            embedded.close();
            embedded = null;
        }
    }

    /** Starts the stopped server again on its data directory and port; returns once it accepts queries. */
    public synchronized void startServer() throws IOException {
        if (restartable == null) {
            throw new IllegalStateException("this server was not started restartable");
        }
        if (embedded == null) {
            embedded = restartable.start();
        }
    }

    public static Database embedded() throws IOException {
        return embedded(new LinkedHashMap<>());
    }

    /** An external server: {@code jdbc:postgresql://host:port/db?user=..&password=..}. */
    public static Database external(String jdbcUrl) {
        String rest = jdbcUrl.substring("jdbc:postgresql://".length());
        String query = rest.contains("?") ? rest.substring(rest.indexOf('?') + 1) : "";
        String hostPortDb = rest.contains("?") ? rest.substring(0, rest.indexOf('?')) : rest;
        String hostPort = hostPortDb.substring(0, hostPortDb.indexOf('/'));
        String db = hostPortDb.substring(hostPortDb.indexOf('/') + 1);
        String h = hostPort.contains(":") ? hostPort.substring(0, hostPort.indexOf(':')) : hostPort;
        int p = hostPort.contains(":") ? Integer.parseInt(hostPort.substring(hostPort.indexOf(':') + 1)) : 5432;
        String u = "postgres";
        String pw = "";
        for (String pair : query.split("&")) {
            if (pair.startsWith("user=")) {
                u = pair.substring(5);
            } else if (pair.startsWith("password=")) {
                pw = pair.substring(9);
            }
        }
        return new Database(null, h, p, db, u, pw);
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String database() {
        return database;
    }

    /** A URL for the server itself. */
    public String url() {
        return urlVia(host, port);
    }

    /** A URL that reaches this server's database through another host and port (a proxy). */
    public String urlVia(String viaHost, int viaPort) {
        return "jdbc:postgresql://" + viaHost + ":" + viaPort + "/" + database + "?user=" + user
                + (password.isEmpty() ? "" : "&password=" + password);
    }

    /** An administrative connection straight to the server (not through any proxy). */
    public Connection admin() throws SQLException {
        return DriverManager.getConnection(url() + "&ApplicationName=lifeline-admin");
    }

    @Override
    public synchronized void close() throws IOException {
        if (embedded != null) {
            embedded.close();
            embedded = null;
        }
        if (dataDirectory != null) {
            try (Stream<Path> files = Files.walk(dataDirectory)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}

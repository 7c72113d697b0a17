package dev.lifeline.demo.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The real PostgreSQL the demo and the tests run against: an embedded server (real binaries from
 * Maven Central, started here) by default, or an external one given by URL. Never an imitation.
 */
public final class Database implements AutoCloseable {

    private final EmbeddedPostgres embedded;
    private final String host;
    private final int port;
    private final String database;
    private final String user;
    private final String password;

    private Database(EmbeddedPostgres embedded, String host, int port, String database, String user, String password) {
        this.embedded = embedded;
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
    public void close() throws IOException {
        if (embedded != null) {
            embedded.close();
        }
    }
}

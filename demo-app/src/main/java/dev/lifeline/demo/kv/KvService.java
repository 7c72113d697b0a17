package dev.lifeline.demo.kv;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Incident 3's key-value API: {@code GET /kv/KEY}, {@code PUT /kv/KEY} (body = value),
 * {@code GET /kv?prefix=P} (list), {@code GET /health}, backed by PostgreSQL with a connection per
 * request and no retry of its own. When its database call fails it answers what the seed's
 * clients saw from behind Cloudflare: an HTML 500 page, not JSON.
 *
 * <p>Runs in the demo's own JVM, never with the agent: the agent goes on the client, as it did in
 * the incident (the API belonged to someone else).
 */
public final class KvService implements AutoCloseable {

    static {
        // Without it com.sun.net.httpserver delays each small response by ~40 ms (Nagle + delayed ACK).
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final String jdbcUrl;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong serverErrors = new AtomicLong();

    private KvService(HttpServer server, ExecutorService executor, String jdbcUrl) {
        this.server = server;
        this.executor = executor;
        this.jdbcUrl = jdbcUrl;
    }

    /** Creates the table if needed and starts serving on 127.0.0.1, on an ephemeral port. */
    public static KvService start(String jdbcUrl) throws IOException, SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS kv (key text PRIMARY KEY, value text NOT NULL)");
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        ExecutorService executor = Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "kv-service");
            t.setDaemon(true);
            return t;
        });
        KvService service = new KvService(server, executor, jdbcUrl);
        server.createContext("/", service::handle);
        server.setExecutor(executor);
        server.start();
        return service;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Every request received, retries included. */
    public long requests() {
        return requests.get();
    }

    /** Requests answered with the 500 page. */
    public long serverErrors() {
        return serverErrors.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (InputStream body = exchange.getRequestBody()) {
            byte[] value = body.readAllBytes();
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (path.equals("/health")) {
                send(exchange, 200, "text/plain", "ok");
            } else if (path.startsWith("/kv/") && method.equals("GET")) {
                String found = get(key(path));
                if (found == null) {
                    send(exchange, 404, "text/plain", "no such key");
                } else {
                    send(exchange, 200, "text/plain", found);
                }
            } else if (path.startsWith("/kv/") && method.equals("PUT")) {
                set(key(path), new String(value, StandardCharsets.UTF_8));
                send(exchange, 200, "text/plain", "stored");
            } else if (path.equals("/kv") && method.equals("GET")) {
                String query = exchange.getRequestURI().getQuery();
                String prefix = query != null && query.startsWith("prefix=") ? query.substring(7) : "";
                send(exchange, 200, "text/plain", list(prefix));
            } else {
                send(exchange, 404, "text/plain", "not found");
            }
        } catch (SQLException e) {
            serverErrors.incrementAndGet();
            send(exchange, 500, "text/html; charset=UTF-8", CloudflareErrorPage.internalServerError(
                    exchange.getRequestHeaders().getFirst("Host"), rayId()));
        } finally {
            exchange.close();
        }
    }

    private String get(String key) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl);
             PreparedStatement s = c.prepareStatement("SELECT value FROM kv WHERE key = ?")) {
            s.setString(1, key);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private void set(String key, String value) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl);
             PreparedStatement s = c.prepareStatement(
                     "INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value")) {
            s.setString(1, key);
            s.setString(2, value);
            s.executeUpdate();
        }
    }

    private String list(String prefix) throws SQLException {
        StringBuilder keys = new StringBuilder();
        try (Connection c = DriverManager.getConnection(jdbcUrl);
             PreparedStatement s = c.prepareStatement("SELECT key FROM kv WHERE key LIKE ? ORDER BY key LIMIT 100")) {
            s.setString(1, prefix.replace("%", "") + "%");
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    keys.append(rs.getString(1)).append('\n');
                }
            }
        }
        return keys.toString();
    }

    private static String key(String path) {
        return URLDecoder.decode(path.substring(4), StandardCharsets.UTF_8);
    }

    private static String rayId() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + "-AMS";
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if (status >= 500) {
            exchange.getResponseHeaders().set("Server", "cloudflare");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.lifeline.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The loopback-only admin endpoint ({@code lifeline.admin.port}): {@code GET /health} (JSON) and
 * {@code GET /metrics} (Prometheus text); 404 for any other path, 405 for other methods.
 *
 * <p>Bound to 127.0.0.1 only: it names the application's databases and hosts, which do not belong
 * on a public interface. The port is bound by the caller's thread (so a port in use is reported
 * at start-up), the server then runs on daemon threads (the JDK's dispatcher inherits the daemon
 * flag of the thread that starts it) so it never keeps the application's JVM alive.
 */
final class AdminServer {

    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;
    private final Supplier<String> health;
    private final Supplier<Supplier<String>> metricsFactory;
    private volatile Supplier<String> metrics;

    private AdminServer(HttpServer server, Supplier<String> health, Supplier<Supplier<String>> metricsFactory) {
        this.server = server;
        this.health = health;
        this.metricsFactory = metricsFactory;
        this.executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread t = new Thread(runnable, "lifeline-admin");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Binds 127.0.0.1:{@code port} now and serves from daemon threads.
     *
     * @param metricsFactory called once, on the first {@code /metrics} request (Micrometer loads then)
     * @throws IOException when the port cannot be bound (in use, not permitted)
     */
    static AdminServer start(int port, Supplier<String> health, Supplier<Supplier<String>> metricsFactory)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 8);
        AdminServer admin = new AdminServer(server, health, metricsFactory);
        server.setExecutor(admin.executor);
        server.createContext("/", admin::handle);
        Thread starter = new Thread(server::start, "lifeline-admin-start");
        starter.setDaemon(true);
        starter.start();
        try {
            starter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return admin;
    }

    int port() {
        return server.getAddress().getPort();
    }

    void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (!path.equals("/health") && !path.equals("/metrics")) {
                respond(exchange, 404, "text/plain; charset=utf-8", "not found: try /health or /metrics\n");
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                respond(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n");
            } else if (path.equals("/health")) {
                respond(exchange, 200, "application/json", health.get());
            } else {
                respond(exchange, 200, PROMETHEUS_TEXT, metrics().get());
            }
        } catch (RuntimeException | LinkageError e) {
            dev.lifeline.log.LifelineLog.internalError("admin endpoint", e);
            respond(exchange, 500, "text/plain; charset=utf-8", "internal error\n");
        } finally {
            exchange.close();
        }
    }

    private Supplier<String> metrics() {
        Supplier<String> m = metrics;
        if (m == null) {
            synchronized (this) { // one admin thread; never an application thread
                m = metrics;
                if (m == null) {
                    m = metricsFactory.get();
                    metrics = m;
                }
            }
        }
        return m;
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}

package dev.lifeline.metrics;

import dev.lifeline.breaker.BreakerConfig;
import dev.lifeline.limit.ConnectionCap;
import dev.lifeline.retry.GiveUp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdminEndpointTest {

    static final String DB = "db.example.com:5432/app";
    static final String API = "kv.example.com:443";

    @AfterEach
    void stop() {
        Observability.stop();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static Response get(int port, String path) throws IOException {
        return request(port, path, "GET");
    }

    static Response request(int port, String path, String method) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) new URL("http://127.0.0.1:" + port + path).openConnection();
        connection.setRequestMethod(method);
        connection.setConnectTimeout(5000);
        connection.setReadTimeout(20000);
        int status = connection.getResponseCode();
        InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream();
        String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return new Response(status, connection.getContentType(), body);
    }

    static final class Response {
        final int status;
        final String contentType;
        final String body;

        Response(int status, String contentType, String body) {
            this.status = status;
            this.contentType = contentType;
            this.body = body;
        }
    }

    private static BreakerConfig breaker() {
        return BreakerConfig.of(0.5, 2, Duration.ofSeconds(10), Duration.ofSeconds(30), 1);
    }

    @Test
    void healthListsEveryTargetWithConnectionsBreakerAndLastFailureAsJson() throws Exception {
        int port = freePort();
        Observability observability = Observability.start(port, breaker(), false);
        assertEquals(port, observability.adminPort());
        ConnectionCap cap = ConnectionCap.fixed(DB, 15);
        ConnectionCap.Slot slot = cap.acquire(0);
        TargetHealth db = observability.target(Kind.JDBC, DB, cap);
        db.onSuccess();
        observability.retryListener(Kind.JDBC).onRetry(DB, 2, 1_000_000, new SQLTransientConnectionException("x", "08001"));
        TargetHealth api = observability.target(Kind.HTTP, API, null);
        api.onFailure(new SocketException("Connection reset"), true);
        api.onFailure(new SocketException("Connection reset"), true);
        assertFalse(api.tryAcquirePermission(), "2 of 2 failed: open");

        Response health = get(port, "/health");
        assertEquals(200, health.status);
        assertEquals("application/json", health.contentType);
        Map<String, Object> root = Json.object(Json.parse(health.body));
        assertEquals("degraded", root.get("status"));
        List<Object> targets = Json.array(root.get("targets"));
        assertEquals(2, targets.size(), health.body);

        Map<String, Object> jdbc = Json.object(targets.get(0));
        assertEquals("jdbc", jdbc.get("kind"));
        assertEquals(DB, jdbc.get("target"));
        Map<String, Object> connections = Json.object(jdbc.get("connections"));
        assertEquals(1.0, connections.get("open"));
        assertEquals(0.0, connections.get("waiting"));
        assertEquals(15.0, connections.get("max"));
        assertEquals("closed", Json.object(jdbc.get("breaker")).get("state"));
        assertEquals(1.0, jdbc.get("retries"));
        assertEquals("08001", Json.object(jdbc.get("lastFailure")).get("sqlState"));

        Map<String, Object> http = Json.object(targets.get(1));
        assertEquals(API, http.get("target"));
        assertNull(http.get("connections"));
        Map<String, Object> breakerJson = Json.object(http.get("breaker"));
        assertEquals("open", breakerJson.get("state"));
        assertNotNull(breakerJson.get("openUntil"));
        assertEquals(1.0, Json.object(http.get("calls")).get("rejected"));
        assertEquals("java.net.SocketException", Json.object(http.get("lastFailure")).get("type"));
        slot.release();
    }

    @Test
    void metricsServesPrometheusTextWithTheCountersAfterEvents() throws Exception {
        int port = freePort();
        Observability observability = Observability.start(port, breaker(), false);
        TargetHealth db = observability.target(Kind.JDBC, DB, ConnectionCap.fixed(DB, 15));
        db.onSuccess();
        db.onSuccess();
        observability.retryListener(Kind.JDBC).onRetry(DB, 2, 1_000_000, new SocketException("Connection reset"));
        observability.retryListener(Kind.JDBC).onRetry(DB, 3, 2_000_000, new SocketException("Connection reset"));
        observability.retryListener(Kind.JDBC).onGiveUp(DB, 3, 5_000_000, new SocketException("Connection reset"),
                GiveUp.attemptsExhausted(3, 3));
        observability.jdbcEvents().connectionReplaced(DB);
        db.capWaited(Duration.ofMillis(20).toNanos(), true);

        Response metrics = get(port, "/metrics");
        assertEquals(200, metrics.status);
        assertTrue(metrics.contentType.startsWith("text/plain"), metrics.contentType);
        String text = metrics.body;
        assertTrue(text.contains("lifeline_retries_total{kind=\"jdbc\",target=\"db.example.com:5432/app\"} 2.0"), text);
        assertTrue(text.contains("lifeline_calls_total{kind=\"jdbc\",outcome=\"success\",target=\"db.example.com:5432/app\"} 2.0"), text);
        assertTrue(text.contains("lifeline_giveups_total{kind=\"jdbc\",reason=\"attempts_exhausted\",target=\"db.example.com:5432/app\"} 1.0"), text);
        assertTrue(text.contains("lifeline_evictions_total{kind=\"jdbc\",reason=\"replaced\",target=\"db.example.com:5432/app\"} 1.0"), text);
        assertTrue(text.contains("lifeline_cap_waits_total{kind=\"jdbc\",outcome=\"acquired\",target=\"db.example.com:5432/app\"} 1.0"), text);
        assertTrue(text.contains("lifeline_cap_wait_duration_seconds_sum{kind=\"jdbc\",target=\"db.example.com:5432/app\"} 0.02"), text);
        assertTrue(text.contains("lifeline_connections_max{kind=\"jdbc\",target=\"db.example.com:5432/app\"} 15.0"), text);
        assertTrue(text.contains("lifeline_breaker_state{kind=\"jdbc\",target=\"db.example.com:5432/app\"} 0.0"), text);

        // A target first seen after the registry exists is published too, and counters are live.
        observability.retryListener(Kind.HTTP).onRetry(API, 2, 1_000_000, new SocketException("Connection reset"));
        String later = get(port, "/metrics").body;
        assertTrue(later.contains("lifeline_retries_total{kind=\"http\",target=\"kv.example.com:443\"} 1.0"), later);
    }

    @Test
    void anyOtherPathIs404AndOtherMethodsAre405() throws Exception {
        int port = freePort();
        Observability.start(port, BreakerConfig.DISABLED, false);
        assertEquals(404, get(port, "/").status);
        assertEquals(404, get(port, "/health/x").status);
        assertEquals(404, get(port, "/actuator/metrics").status);
        assertEquals(405, request(port, "/health", "POST").status);
    }

    @Test
    void aPortInUseGivesOneLineAndTheApplicationStarts() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            PrintStream original = System.err;
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            System.setErr(new PrintStream(captured, true, "UTF-8"));
            Observability observability;
            try {
                observability = Observability.start(taken.getLocalPort(), BreakerConfig.DISABLED, false);
            } finally {
                System.setErr(original);
            }
            assertEquals(-1, observability.adminPort());
            String[] lines = captured.toString("UTF-8").trim().split("\n");
            assertEquals(1, lines.length, captured.toString("UTF-8"));
            assertTrue(lines[0].startsWith("[lifeline] WARNING lifeline.admin.port=" + taken.getLocalPort()
                    + ": cannot listen on 127.0.0.1:" + taken.getLocalPort()), lines[0]);
            assertTrue(lines[0].contains("the application runs on"), lines[0]);
            // Counting still works without the endpoint.
            observability.target(Kind.JDBC, DB, null).onSuccess();
        }
    }

    @Test
    void aPortInUseStopsStartUpInStrictMode() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Observability.start(taken.getLocalPort(), BreakerConfig.DISABLED, true));
            assertTrue(e.getMessage().contains("lifeline.admin.port=" + taken.getLocalPort()), e.getMessage());
        }
    }

    @Test
    void theEndpointRunsOnDaemonThreadsOnly() throws Exception {
        int port = freePort();
        Observability.start(port, BreakerConfig.DISABLED, false);
        get(port, "/health");
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("lifeline") || t.getName().contains("HTTP-Dispatcher")) {
                assertTrue(t.isDaemon(), t.getName() + " would keep the application's JVM alive");
            }
        }
    }
}

package dev.lifeline.it.http;

import com.sun.net.httpserver.HttpServer;
import dev.lifeline.demo.http.PostOnceWorkload;
import dev.lifeline.demo.run.ChildJvm;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A POST without an Idempotency-Key is retried only when it provably never left: here the server is
 * not listening yet when {@code HttpURLConnection.getOutputStream()} connects.
 */
class RefusedPostTest {

    @Test
    void aPostWhoseConnectIsRefusedIsSentOnceTheServerListensAndActedOnOnce() throws Exception {
        ChildJvm.Result without = postWhileServerStartsLate(ChildJvm.withoutAgent(), new AtomicInteger());
        assertTrue(without.lines("FAILURE type=java.net.ConnectException").size() == 1, without.toString());

        AtomicInteger received = new AtomicInteger();
        ChildJvm.Result with = postWhileServerStartsLate(
                ChildJvm.withAgent("lifeline.retry.maxAttempts=20,lifeline.retry.maxBackoff=300ms"), received);
        assertEquals("201", with.result("status"), with.toString());
        assertEquals(1, received.get(), "the server acted on the POST exactly once");
    }

    private static ChildJvm.Result postWhileServerStartsLate(ChildJvm jvm, AtomicInteger received) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        HttpServer[] server = new HttpServer[1];
        Thread late = new Thread(() -> {
            try {
                Thread.sleep(1_500); // the child JVM starts, then finds nothing listening
                server[0] = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
                server[0].createContext("/orders", exchange -> {
                    exchange.getRequestBody().readAllBytes();
                    received.incrementAndGet();
                    exchange.sendResponseHeaders(201, -1);
                    exchange.close();
                });
                server[0].start();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "late-server");
        late.start();
        try {
            return jvm.option("-Dsun.net.httpserver.nodelay=true")
                    .run(PostOnceWorkload.class, 60, "http://127.0.0.1:" + port + "/orders");
        } finally {
            late.join();
            if (server[0] != null) {
                server[0].stop(0);
            }
        }
    }
}

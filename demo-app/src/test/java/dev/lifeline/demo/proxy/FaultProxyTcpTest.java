package dev.lifeline.demo.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Protocol-agnostic behaviour against a plain echo server: scale, half-close, threads, raw refusal bytes. */
class FaultProxyTcpTest {

    private EchoServer echo;

    @BeforeEach
    void startEcho() throws IOException {
        echo = new EchoServer();
    }

    @AfterEach
    void stopEcho() throws Exception {
        echo.close();
    }

    @Test
    void carriesHundredsOfConcurrentConnectionsAndLeavesNoThreadsAfterClose() throws Exception {
        int clients = 300;
        FaultProxy proxy = FaultProxy.start("127.0.0.1", echo.port());
        String threadPrefix = "fault-proxy-" + proxy.port();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CountDownLatch allConnected = new CountDownLatch(clients);
        CountDownLatch release = new CountDownLatch(1);
        try {
            List<Future<byte[]>> replies = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                byte[] payload = ("client " + i).getBytes(StandardCharsets.US_ASCII);
                replies.add(pool.submit(() -> {
                    try (Socket s = new Socket(proxy.host(), proxy.port())) {
                        s.setSoTimeout(10_000);
                        byte[] first = roundTrip(s, payload);
                        allConnected.countDown();
                        release.await();
                        assertArrayEquals(first, roundTrip(s, payload));
                        return first;
                    }
                }));
            }
            assertTrue(allConnected.await(20, TimeUnit.SECONDS));
            assertEquals(clients, proxy.openConnections());
            assertEquals(clients, proxy.peakOpenConnections());
            release.countDown();
            for (int i = 0; i < clients; i++) {
                assertEquals("client " + i, new String(replies.get(i).get(), StandardCharsets.US_ASCII));
            }
            awaitOpen(proxy, 0);
            assertEquals(clients, proxy.acceptedTotal());
        } finally {
            pool.shutdownNow();
            proxy.close();
        }
        assertEquals(0, liveThreadsAfterSettling(threadPrefix), "threads left after close()");
    }

    @Test
    void closeResetsOpenConnectionsAndEndsEveryThread() throws Exception {
        FaultProxy proxy = FaultProxy.start("127.0.0.1", echo.port());
        String threadPrefix = "fault-proxy-" + proxy.port();
        proxy.latency(Duration.ofSeconds(30)); // a pump asleep in latency must still end
        try (Socket a = new Socket(proxy.host(), proxy.port()); Socket b = new Socket(proxy.host(), proxy.port())) {
            a.getOutputStream().write(1);
            awaitOpen(proxy, 2);
            long start = System.nanoTime();
            proxy.close();
            assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 2_000);
            a.setSoTimeout(2_000);
            assertThrows(IOException.class, () -> {
                if (a.getInputStream().read() < 0) {
                    throw new IOException("end of stream");
                }
            });
        }
        assertEquals(0, liveThreadsAfterSettling(threadPrefix));
        assertEquals(0, proxy.openConnections());
    }

    @Test
    void passesHalfCloseThrough() throws Exception {
        try (FaultProxy proxy = FaultProxy.start("127.0.0.1", echo.port());
                Socket s = new Socket(proxy.host(), proxy.port())) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write("last words".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            assertEquals("last words", new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
            awaitOpen(proxy, 0);
        }
    }

    @Test
    void refusalAnswersEncryptionRequestsThenSendsTheErrorResponse() throws Exception {
        try (FaultProxy proxy = FaultProxy.start("127.0.0.1", echo.port())) {
            proxy.limitConnections(1, FaultProxy.Refusal.SUPAVISOR_MAX_CONN);
            try (Socket holder = new Socket(proxy.host(), proxy.port());
                    Socket s = new Socket(proxy.host(), proxy.port())) {
                roundTrip(holder, new byte[] {1});
                s.setSoTimeout(5_000);
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                DataInputStream in = new DataInputStream(s.getInputStream());
                out.writeInt(8);
                out.writeInt(PgRefusal.GSSENC_REQUEST_CODE);
                assertEquals('N', in.read());
                out.writeInt(8);
                out.writeInt(PgRefusal.SSL_REQUEST_CODE);
                assertEquals('N', in.read());
                byte[] params = "user\0postgres\0\0".getBytes(StandardCharsets.US_ASCII);
                out.writeInt(8 + params.length);
                out.writeInt(196608); // protocol 3.0
                out.write(params);

                byte[] expected = PgRefusal.errorResponse("XX000",
                        "(EMAXCONN) max client connections reached, limit: 1");
                assertArrayEquals(expected, in.readAllBytes(), "ErrorResponse, then end of stream");
            }
        }
    }

    @Test
    void errorResponseBytesFollowTheWireFormat() {
        byte[] bytes = PgRefusal.errorResponse("53300", "sorry, too many clients already");
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        String body = "SFATAL\0VFATAL\0C53300\0Msorry, too many clients already\0\0";
        expected.write('E');
        int length = 4 + body.length();
        expected.write(length >>> 24);
        expected.write(length >>> 16);
        expected.write(length >>> 8);
        expected.write(length);
        expected.writeBytes(body.getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(expected.toByteArray(), bytes);
    }

    @Test
    void refusalDropsClientsThatAreNotPostgres() throws Exception {
        try (FaultProxy proxy = FaultProxy.start("127.0.0.1", echo.port())) {
            proxy.limitConnections(1, FaultProxy.Refusal.POSTGRES_TOO_MANY_CLIENTS);
            try (Socket holder = new Socket(proxy.host(), proxy.port());
                    Socket s = new Socket(proxy.host(), proxy.port())) {
                roundTrip(holder, new byte[] {1});
                s.setSoTimeout(5_000);
                s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThrows(IOException.class, () -> {
                    if (s.getInputStream().read() < 0) {
                        throw new IOException("end of stream");
                    }
                });
            }
            assertEquals(1, proxy.refusedTotal());
        }
    }

    // --------------------------------------------------------------------------------- helpers

    private static byte[] roundTrip(Socket s, byte[] payload) throws IOException {
        s.getOutputStream().write(payload);
        s.getOutputStream().flush();
        byte[] reply = new byte[payload.length];
        new DataInputStream(s.getInputStream()).readFully(reply);
        return reply;
    }

    private static void awaitOpen(FaultProxy proxy, int expected) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (proxy.openConnections() != expected && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertEquals(expected, proxy.openConnections());
    }

    /** Threads may take a moment to end on a loaded machine: a leak is one still alive after 10 s. */
    private static long liveThreadsAfterSettling(String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long live = liveThreads(prefix);
        while (live > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            live = liveThreads(prefix);
        }
        return live;
    }

    private static long liveThreads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(prefix + "-") && t.isAlive())
                .count();
    }

    /** Echoes every byte back; closes its side when the client half-closes. */
    private static final class EchoServer implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "echo");
            t.setDaemon(true);
            return t;
        });

        EchoServer() throws IOException {
            threads.execute(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        threads.execute(() -> echo(s));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        private static void echo(Socket s) {
            try (Socket socket = s) {
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                byte[] buf = new byte[4096];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                }
            } catch (IOException ignored) {
                // client gone
            }
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
            threads.shutdownNow();
        }
    }
}

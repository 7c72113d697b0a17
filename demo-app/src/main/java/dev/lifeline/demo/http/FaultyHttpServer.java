package dev.lifeline.demo.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP/1.1 server that misbehaves the way incident 3's KV API and an overloaded
 * upstream do, written on plain sockets so every fault is exact (com.sun.net.httpserver adds a
 * 44 ms Nagle delay and, on JDK 17, leaks exchanges closed without a response):
 * <ul>
 *   <li>every Nth request answered {@code 503} (optionally with {@code Retry-After}),</li>
 *   <li>every Mth request read, acted on, then dropped without a response (the lost reply that
 *       makes resending a POST dangerous),</li>
 *   <li>the first request of each {@code X-Request-Id} answered 503 with a Retry-After,</li>
 *   <li>more than K requests in flight: the newcomer's connection is reset (RST), as a server or
 *       pooler at its connection limit does;</li>
 *   <li>a kept-alive connection idle longer than L ms: the next request on it is reset (RST)
 *       before it is acted on, as a server or proxy that dropped the idle connection answers the
 *       client that reuses it (incident 2, WinError 10054).</li>
 * </ul>
 * It counts what it saw: requests, the peak in flight, and how often each POST (by
 * {@code X-Request-Id}) was acted on; an {@code Idempotency-Key} it has seen is acted on once.
 */
public final class FaultyHttpServer implements Closeable {

    /** What to get wrong; all off by default. */
    public static final class Faults {
        int every503;
        int everyDrop;
        int maxInFlight;
        long holdMs;
        String retryAfter;
        boolean firstPerIdIs503;
        long idleResetMs;

        public Faults every503(int n) {
            this.every503 = n;
            return this;
        }

        public Faults everyDrop(int n) {
            this.everyDrop = n;
            return this;
        }

        public Faults maxInFlight(int n) {
            this.maxInFlight = n;
            return this;
        }

        public Faults holdMs(long ms) {
            this.holdMs = ms;
            return this;
        }

        /** The Retry-After value sent with every 503. */
        public Faults retryAfter(String value) {
            this.retryAfter = value;
            return this;
        }

        /** A request arriving on a connection idle longer than {@code ms} is reset, not acted on. */
        public Faults idleResetMs(long ms) {
            this.idleResetMs = ms;
            return this;
        }

        /** The first request of each X-Request-Id gets a 503, later ones succeed. */
        public Faults firstPerIdIs503() {
            this.firstPerIdIs503 = true;
            return this;
        }
    }

    private final ServerSocket server;
    private final Faults faults;
    private final ExecutorService connections = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "faulty-http-connection");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peakInFlight = new AtomicInteger();
    private final AtomicInteger resets = new AtomicInteger();
    private final AtomicInteger idleResets = new AtomicInteger();
    private final Map<String, AtomicInteger> actsById = new ConcurrentHashMap<>();
    private final Set<String> seenKeys = ConcurrentHashMap.newKeySet();
    private final Set<String> seenIds = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private FaultyHttpServer(Faults faults) throws IOException {
        this.faults = faults;
        this.server = new ServerSocket(0, 1000, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "faulty-http-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static FaultyHttpServer start(Faults faults) throws IOException {
        return new FaultyHttpServer(faults);
    }

    public static Faults faults() {
        return new Faults();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getLocalPort() + path;
    }

    public int requests() {
        return requests.get();
    }

    /** Most requests being handled at once, rejected newcomers included. */
    public int peakInFlight() {
        return peakInFlight.get();
    }

    public int resets() {
        return resets.get();
    }

    /** Requests reset because their kept-alive connection had been idle too long. */
    public int idleResets() {
        return idleResets.get();
    }

    /** The largest number of times one POST whose X-Request-Id starts with {@code prefix} was acted on. */
    public int maxActs(String prefix) {
        int max = 0;
        for (Map.Entry<String, AtomicInteger> e : actsById.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                max = Math.max(max, e.getValue().get());
            }
        }
        return max;
    }

    /** How many distinct POSTs whose X-Request-Id starts with {@code prefix} were acted on. */
    public int acted(String prefix) {
        int n = 0;
        for (String id : actsById.keySet()) {
            if (id.startsWith(prefix)) {
                n++;
            }
        }
        return n;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                connections.execute(() -> serve(socket));
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void serve(Socket socket) {
        try (Socket s = socket) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            long lastReplyAt = 0;
            while (!closed) {
                Request request = Request.read(in);
                if (request == null) {
                    return;
                }
                if (faults.idleResetMs > 0 && lastReplyAt != 0
                        && System.nanoTime() - lastReplyAt > faults.idleResetMs * 1_000_000L) {
                    idleResets.incrementAndGet();
                    s.setSoLinger(true, 0); // the reused connection was long dead for the server
                    return;
                }
                int n = requests.incrementAndGet();
                int now = inFlight.incrementAndGet();
                peakInFlight.accumulateAndGet(now, Math::max);
                boolean counted = true;
                try {
                    if (faults.maxInFlight > 0 && now > faults.maxInFlight) {
                        resets.incrementAndGet();
                        s.setSoLinger(true, 0); // a real RST: "Connection reset" at the client
                        return;
                    }
                    if (faults.everyDrop > 0 && n % faults.everyDrop == 0) {
                        act(request);
                        return; // acted on, no response: the client cannot know
                    }
                    boolean firstOfId = request.id != null && seenIds.add(request.id);
                    boolean busy = (faults.every503 > 0 && n % faults.every503 == 0) || (faults.firstPerIdIs503 && firstOfId);
                    if (!busy) {
                        act(request);
                        if (faults.holdMs > 0) {
                            Thread.sleep(faults.holdMs);
                        }
                    }
                    // The work is done before the reply leaves: a client that frees its slot on
                    // receiving the reply can never make this server count one request too many.
                    inFlight.decrementAndGet();
                    counted = false;
                    if (busy) {
                        write(out, 503, "Service Unavailable", faults.retryAfter, "<html>busy</html>");
                    } else {
                        write(out, 200, "OK", null, "ok " + n);
                    }
                } finally {
                    if (counted) {
                        inFlight.decrementAndGet();
                    }
                }
                lastReplyAt = System.nanoTime();
                if (request.close) {
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client went away; nothing to count
        }
    }

    private void act(Request request) {
        if (!"POST".equals(request.method) || request.id == null) {
            return;
        }
        if (request.idempotencyKey != null && !seenKeys.add(request.idempotencyKey)) {
            return; // what the key is for: the server acts once per key
        }
        actsById.computeIfAbsent(request.id, k -> new AtomicInteger()).incrementAndGet();
    }

    private static void write(OutputStream out, int status, String reason, String retryAfter, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder()
                .append("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n")
                .append("Content-Type: text/plain\r\n")
                .append("Content-Length: ").append(bytes.length).append("\r\n");
        if (retryAfter != null) {
            head.append("Retry-After: ").append(retryAfter).append("\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(bytes);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        connections.shutdownNow();
    }

    private static final class Request {
        String method;
        String id;
        String idempotencyKey;
        boolean close;

        /** @return null at a clean end of the connection */
        static Request read(InputStream in) throws IOException {
            String line = readLine(in);
            if (line == null) {
                return null;
            }
            Request r = new Request();
            r.method = line.split(" ", 2)[0];
            long length = 0;
            for (String header = readLine(in); header != null && !header.isEmpty(); header = readLine(in)) {
                int colon = header.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = header.substring(colon + 1).trim();
                switch (name) {
                    case "content-length":
                        length = Long.parseLong(value);
                        break;
                    case "x-request-id":
                        r.id = value;
                        break;
                    case "idempotency-key":
                        r.idempotencyKey = value;
                        break;
                    case "connection":
                        r.close = value.equalsIgnoreCase("close");
                        break;
                    default:
                        break;
                }
            }
            for (long left = length; left > 0; left--) {
                if (in.read() < 0) {
                    return null;
                }
            }
            return r;
        }

        private static String readLine(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream(64);
            for (int c = in.read(); c >= 0; c = in.read()) {
                if (c == '\n') {
                    int len = line.size();
                    byte[] bytes = line.toByteArray();
                    return new String(bytes, 0, len > 0 && bytes[len - 1] == '\r' ? len - 1 : len, StandardCharsets.ISO_8859_1);
                }
                line.write(c);
            }
            return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
        }
    }
}

package dev.lifeline.demo.http;

import dev.lifeline.demo.workload.Options;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An ordinary HTTP application, with no knowledge of Lifeline: it calls one URL with the JDK's own
 * clients and reports what it saw. Run in a child JVM without and with the agent.
 * <pre>
 * RESULT send-GET.ok=N send-GET.failed=M send-GET.statuses=503:2 send-GET.maxMs=T send-GET.peakThreads=K
 * FAILURE phase=send-GET type=java.io.IOException suppressed=2 message=...
 * </pre>
 * Arguments ({@code key=value}): url (required); phases, a comma list of client-method with
 * client send | async | huc (the JDK's), hc5 | hc5async | hc4 | okhttp | okenqueue (the libraries,
 * see {@link LibraryClients}) and method GET | POST | POSTKEY (POST with an Idempotency-Key),
 * default send-GET; requests per phase (20); concurrency (1: threads for the blocking clients;
 * the async ones send all requests at once unless concurrency is given, then at most that many
 * are in flight); timeoutMs per request (10000, JDK clients);
 * gapMs, a pause after each request of a blocking client (0).
 */
public final class HttpWorkload {

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Options.parse(args, "http://...");
        String url = options.get("url");
        int requests = Integer.parseInt(options.getOrDefault("requests", "20"));
        int concurrency = Integer.parseInt(options.getOrDefault("concurrency", "1"));
        Duration timeout = Duration.ofMillis(Long.parseLong(options.getOrDefault("timeoutMs", "10000")));
        long gapMs = Long.parseLong(options.getOrDefault("gapMs", "0"));
        ExecutorService clientThreads = Executors.newFixedThreadPool(4, daemon("app-http-client"));
        HttpClient client = HttpClient.newBuilder().executor(clientThreads)
                .connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();

        for (String phase : options.getOrDefault("phases", "send-GET").split(",")) {
            String[] parts = phase.split("-");
            Phase p = new Phase(phase, parts[0], parts[1], url, client, timeout);
            p.gapMs = gapMs;
            threads.resetPeakThreadCount();
            if (p.clientName.equals("async") || LibraryClients.isAsync(p.clientName)) {
                p.runAsync(requests, options.containsKey("concurrency") ? concurrency : Integer.MAX_VALUE);
            } else {
                p.runBlocking(requests, concurrency);
            }
            StringBuilder statuses = new StringBuilder();
            for (Map.Entry<Integer, Integer> e : p.statuses.entrySet()) {
                statuses.append(statuses.length() == 0 ? "" : ",").append(e.getKey()).append(':').append(e.getValue());
            }
            System.out.println("RESULT " + phase + ".ok=" + p.ok + " " + phase + ".failed=" + p.failed
                    + " " + phase + ".statuses=" + (statuses.length() == 0 ? "-" : statuses)
                    + " " + phase + ".maxMs=" + p.maxMs.get() + " " + phase + ".minMs=" + p.minMs.get()
                    + " " + phase + ".peakThreads=" + threads.getPeakThreadCount());
            for (String failure : p.failures) {
                System.out.println(failure);
            }
        }
        System.out.flush();
        System.exit(0);
    }

    private static final class Phase {
        final String name;
        final String clientName;
        final String method;
        final String url;
        final HttpClient client;
        final Duration timeout;
        final Map<Integer, Integer> statuses = new TreeMap<>();
        final List<String> failures = new ArrayList<>();
        final AtomicLong maxMs = new AtomicLong();
        final AtomicLong minMs = new AtomicLong(Long.MAX_VALUE);
        int ok;
        int failed;
        long gapMs;

        Phase(String name, String clientName, String method, String url, HttpClient client, Duration timeout) {
            this.name = name;
            this.clientName = clientName;
            this.method = method;
            this.url = url;
            this.client = client;
            this.timeout = timeout;
        }

        void runBlocking(int requests, int concurrency) throws InterruptedException {
            ExecutorService pool = Executors.newFixedThreadPool(concurrency, daemon("app-worker"));
            LibraryClients.Blocking library = LibraryClients.isLibrary(clientName) ? LibraryClients.blocking(clientName) : null;
            for (int i = 0; i < requests; i++) {
                int n = i;
                pool.execute(() -> {
                    long start = System.nanoTime();
                    try {
                        int status = library != null ? library.send(libraryRequest(n))
                                : clientName.equals("huc") ? viaUrlConnection(n) : viaSend(n);
                        record(status, null, start);
                    } catch (Exception e) {
                        record(-1, e, start);
                    }
                    if (gapMs > 0) {
                        try {
                            Thread.sleep(gapMs);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                });
            }
            pool.shutdown();
            pool.awaitTermination(5, TimeUnit.MINUTES);
        }

        void runAsync(int requests, int inFlight) throws InterruptedException {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            LibraryClients.Async library = LibraryClients.isAsync(clientName) ? LibraryClients.async(clientName) : null;
            java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(Math.min(inFlight, requests));
            for (int i = 0; i < requests; i++) {
                slots.acquire();
                long start = System.nanoTime();
                CompletableFuture<Integer> status = library != null ? library.send(libraryRequest(i))
                        : client.sendAsync(request(i), HttpResponse.BodyHandlers.ofString()).thenApply(HttpResponse::statusCode);
                all.add(status.handle((code, failure) -> {
                    record(code == null ? -1 : code, failure, start);
                    slots.release();
                    return null;
                }));
            }
            CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).orTimeout(5, TimeUnit.MINUTES).join();
        }

        private HttpRequest request(int n) {
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                    .header("X-Request-Id", name + "-" + n);
            if (method.startsWith("POST")) {
                builder.POST(HttpRequest.BodyPublishers.ofString("{\"n\":" + n + "}"));
                if (method.equals("POSTKEY")) {
                    builder.header("Idempotency-Key", name + "-" + n);
                }
            }
            return builder.build();
        }

        private LibraryClients.Request libraryRequest(int n) {
            return new LibraryClients.Request(url, method.startsWith("POST") ? "POST" : "GET", name + "-" + n,
                    method.equals("POSTKEY"), "{\"n\":" + n + "}");
        }

        private int viaSend(int n) throws IOException, InterruptedException {
            return client.send(request(n), HttpResponse.BodyHandlers.ofString()).statusCode();
        }

        private int viaUrlConnection(int n) throws IOException {
            HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
            connection.setConnectTimeout(5000);
            connection.setReadTimeout((int) timeout.toMillis());
            connection.setRequestProperty("X-Request-Id", name + "-" + n);
            if (method.startsWith("POST")) {
                connection.setRequestMethod("POST");
                connection.setDoOutput(true);
                if (method.equals("POSTKEY")) {
                    connection.setRequestProperty("Idempotency-Key", name + "-" + n);
                }
                try (OutputStream body = connection.getOutputStream()) {
                    body.write(("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8));
                }
            }
            int status = connection.getResponseCode();
            try (InputStream body = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
                if (body != null) {
                    body.readAllBytes();
                }
            }
            return status;
        }

        synchronized void record(int status, Throwable failure, long start) {
            long ms = (System.nanoTime() - start) / 1_000_000;
            maxMs.accumulateAndGet(ms, Math::max);
            minMs.accumulateAndGet(ms, Math::min);
            if (failure != null) {
                failed++;
                Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                if (failures.size() < 5) {
                    failures.add("FAILURE phase=" + name + " type=" + cause.getClass().getName()
                            + " suppressed=" + cause.getSuppressed().length + " elapsedMs=" + ms
                            + " message=" + String.valueOf(cause.getMessage()).replace('\n', ' '));
                }
            } else {
                statuses.merge(status, 1, Integer::sum);
                if (status == 200) {
                    ok++;
                } else {
                    failed++;
                }
            }
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}

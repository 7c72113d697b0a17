package dev.lifeline.demo.scenario;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Incident 3's application: a client of the key-value API using the plain JDK
 * {@link HttpClient}, with no retry of its own — the seed's code before its hand-written
 * {@code safe_get}/{@code safe_set} wrappers. Threads set keys ({@code PUT}, idempotent), read
 * back keys they set ({@code GET}; 404 is a valid answer) and list ({@code GET /kv?prefix=}).
 * Anything but a 2xx or 404 is a failed operation, as it was for the application.
 *
 * <p>Arguments: base (http://host:port), dir, run, seed, threads (6), ops per thread (30),
 * setPercent (40), listPercent (10), gapMs (10).
 */
public final class KvClientWorkload {

    private KvClientWorkload() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        String base = args.get("base");
        String run = args.get("run", "run");
        long seed = args.getLong("seed", 42);
        int threads = args.getInt("threads", 6);
        int ops = args.getInt("ops", 30);
        int setPercent = args.getInt("setPercent", 40);
        int listPercent = args.getInt("listPercent", 10);
        long gapMs = args.getLong("gapMs", 10);
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();

        try (OperationLog log = new OperationLog(args.get("dir"))) {
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Thread worker = new Thread(() -> {
                    Random plan = new Random(seed * 1_000_003L + thread);
                    for (int i = 0; i < ops; i++) {
                        int dice = plan.nextInt(100);
                        String prefix = run + "-t" + thread + "-";
                        HttpRequest request;
                        boolean write = dice < setPercent;
                        String key = null;
                        String value = null;
                        if (write) {
                            key = prefix + i;
                            value = "value " + i + " of thread " + thread;
                            request = HttpRequest.newBuilder(URI.create(base + "/kv/" + encode(key)))
                                    .timeout(Duration.ofSeconds(10))
                                    .PUT(HttpRequest.BodyPublishers.ofString(value)).build();
                        } else if (dice < setPercent + listPercent) {
                            request = HttpRequest.newBuilder(URI.create(base + "/kv?prefix=" + encode(prefix)))
                                    .timeout(Duration.ofSeconds(10)).GET().build();
                        } else {
                            String someKey = prefix + plan.nextInt(i + 1);
                            request = HttpRequest.newBuilder(URI.create(base + "/kv/" + encode(someKey)))
                                    .timeout(Duration.ofSeconds(10)).GET().build();
                        }
                        long start = log.now();
                        try {
                            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                            int status = response.statusCode();
                            if (status / 100 == 2 || status == 404) {
                                log.ok(start, write, write ? key + "\t" + value : null);
                            } else {
                                String contentType = response.headers().firstValue("Content-Type").orElse("?");
                                log.failed(start, write, "HTTP " + status + " (" + contentType + ", "
                                        + (response.body().contains("cf-error-details") ? "Cloudflare error page" : "body") + ")");
                            }
                        } catch (IOException e) {
                            log.failed(start, write, e);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                        try {
                            Thread.sleep(gapMs);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "kv-client-" + t);
                workers.add(worker);
                worker.start();
            }
            for (Thread worker : workers) {
                worker.join();
            }
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}

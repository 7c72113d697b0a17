package dev.lifeline.demo.scenario;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Incident 3's application: a client of the key-value API using the plain JDK
 * {@link java.net.http.HttpClient} or one of the HTTP libraries ({@link KvClients}), with no retry of its own — the seed's code before its hand-written
 * {@code safe_get}/{@code safe_set} wrappers. Threads set keys ({@code PUT}, idempotent), read
 * back keys they set ({@code GET}; 404 is a valid answer) and list ({@code GET /kv?prefix=}).
 * Anything but a 2xx or 404 is a failed operation, as it was for the application.
 *
 * <p>Arguments: base (http://host:port), dir, run, seed, threads (6), ops per thread (30),
 * setPercent (40), listPercent (10), gapMs (10), client (jdk; or hc5, hc4, okhttp).
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
        KvClients.Client client = KvClients.create(args.get("client", "jdk"));

        try (OperationLog log = new OperationLog(args.get("dir"))) {
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Thread worker = new Thread(() -> {
                    Random plan = new Random(seed * 1_000_003L + thread);
                    for (int i = 0; i < ops; i++) {
                        int dice = plan.nextInt(100);
                        String prefix = run + "-t" + thread + "-";
                        String url;
                        boolean write = dice < setPercent;
                        String key = null;
                        String value = null;
                        if (write) {
                            key = prefix + i;
                            value = "value " + i + " of thread " + thread;
                            url = base + "/kv/" + encode(key);
                        } else if (dice < setPercent + listPercent) {
                            url = base + "/kv?prefix=" + encode(prefix);
                        } else {
                            url = base + "/kv/" + encode(prefix + plan.nextInt(i + 1));
                        }
                        long start = log.now();
                        try {
                            KvClients.Reply response = client.send(write ? "PUT" : "GET", url, value);
                            int status = response.status;
                            if (status / 100 == 2 || status == 404) {
                                log.ok(start, write, write ? key + "\t" + value : null);
                            } else {
                                log.failed(start, write, "HTTP " + status + " (" + response.contentType + ", "
                                        + (response.body.contains("cf-error-details") ? "Cloudflare error page" : "body") + ")");
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

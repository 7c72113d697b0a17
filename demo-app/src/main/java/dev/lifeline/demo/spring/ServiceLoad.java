package dev.lifeline.demo.spring;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;

/**
 * The service's users: concurrent HTTP clients (the JDK's {@link HttpClient}, in this JVM, which
 * has no agent) placing orders, reading them back and asking for a report, each request recorded
 * with its timing and, when it failed, what the service said.
 */
public final class ServiceLoad {

    /** What a request exercises in the service. */
    public enum Kind {
        /** A Spring Data repository finder: a read-only transaction. */
        READ,
        /** The {@code @Transactional} service: read, insert, read back, commit. */
        WRITE,
        /** The {@code JdbcTemplate} report: autocommit, no transaction. */
        QUERY
    }

    /** One request as its client saw it. Times are {@link System#nanoTime()} values. */
    public static final class Request {
        public final Kind kind;
        /** The order's key, for writes and reads by key. */
        public final String key;
        public final long startNanos;
        public final long endNanos;
        /** The HTTP status, 0 when no response came. */
        public final int status;
        /** Null when the request succeeded; else the status with the service's message and trace, or the client's exception. */
        public final String error;

        Request(Kind kind, String key, long startNanos, long endNanos, int status, String error) {
            this.kind = kind;
            this.key = key;
            this.startNanos = startNanos;
            this.endNanos = endNanos;
            this.status = status;
            this.error = error;
        }

        public boolean ok() {
            return error == null;
        }

        /** The request was under way at some moment of [from, to). */
        public boolean overlaps(long fromNanos, long toNanos) {
            return startNanos < toNanos && endNanos > fromNanos;
        }

        public boolean startedIn(long fromNanos, long toNanos) {
            return startNanos >= fromNanos && startNanos < toNanos;
        }

        public FailureCause cause() {
            return FailureCause.of(error);
        }
    }

    private static final String[] ITEMS = {"espresso", "filter", "grinder", "kettle", "scale"};
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(90);

    private final SpringService service;
    private final HttpClient http;

    public ServiceLoad(SpringService service) {
        this.service = service;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /**
     * Runs {@code threads} clients until {@code stop} says so, each pausing between two requests for
     * a time drawn from [pauseMinMs, pauseMaxMs]; returns every request once all clients are done.
     *
     * @param keyPrefix every order key of this run starts with it, so the rows can be counted afterwards
     */
    public List<Request> run(String keyPrefix, int threads, long pauseMinMs, long pauseMaxMs, long seed, BooleanSupplier stop)
            throws InterruptedException {
        return run(keyPrefix, threads, pauseMinMs, pauseMaxMs, 0, seed, stop);
    }

    /**
     * As {@link #run(String, int, long, long, long, BooleanSupplier)}, and besides, every
     * {@code arrivalEveryMs} (if above zero) a new visitor on a thread of its own sends one request.
     */
    public List<Request> run(String keyPrefix, int threads, long pauseMinMs, long pauseMaxMs, long arrivalEveryMs, long seed,
                             BooleanSupplier stop) throws InterruptedException {
        ConcurrentLinkedQueue<Request> requests = new ConcurrentLinkedQueue<>();
        List<Thread> clients = new ArrayList<>();
        List<Thread> visitors = Collections.synchronizedList(new ArrayList<>());
        if (arrivalEveryMs > 0) {
            Thread door = new Thread(() -> {
                Random plan = new Random(seed * 1_000_003L - 1);
                int visitor = 0;
                while (!stop.getAsBoolean()) {
                    String key = keyPrefix + "-visitor-" + visitor++;
                    int dice = plan.nextInt(100);
                    String item = ITEMS[plan.nextInt(ITEMS.length)];
                    Thread one = new Thread(() -> requests.add(request(dice, item, key, 1, null)), "visitor-" + visitor);
                    visitors.add(one);
                    one.start();
                    try {
                        Thread.sleep(arrivalEveryMs);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "visitors");
            clients.add(door);
            door.start();
        }
        for (int t = 0; t < threads; t++) {
            int client = t;
            Thread thread = new Thread(() -> {
                Random plan = new Random(seed * 1_000_003L + client);
                List<String> placed = new ArrayList<>();
                int sequence = 0;
                while (!stop.getAsBoolean()) {
                    int dice = plan.nextInt(100);
                    String item = ITEMS[plan.nextInt(ITEMS.length)];
                    String known = placed.isEmpty() || plan.nextBoolean() ? null : placed.get(plan.nextInt(placed.size()));
                    Request request = request(dice, item, keyPrefix + "-" + client + "-" + sequence, 1 + plan.nextInt(3), known);
                    if (request.kind == Kind.WRITE) {
                        sequence++;
                        if (request.ok()) {
                            placed.add(request.key);
                        }
                    }
                    requests.add(request);
                    long pause = pauseMinMs + (pauseMaxMs > pauseMinMs ? plan.nextInt((int) (pauseMaxMs - pauseMinMs + 1)) : 0);
                    if (pause > 0) {
                        try {
                            Thread.sleep(pause);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            }, "client-" + t);
            clients.add(thread);
            thread.start();
        }
        for (Thread client : clients) {
            client.join();
        }
        synchronized (visitors) {
            for (Thread visitor : visitors) {
                visitor.join();
            }
        }
        List<Request> all = new ArrayList<>(requests);
        all.sort((a, b) -> Long.compare(a.startNanos, b.startNanos));
        return Collections.unmodifiableList(all);
    }

    /** The mix: 35 % orders placed, 40 % repository reads (by a known key when there is one), 25 % reports. */
    private Request request(int dice, String item, String newKey, int quantity, String knownKey) {
        if (dice < 35) {
            return write(newKey, item, quantity);
        }
        if (dice < 75) {
            return knownKey != null ? readByKey(knownKey) : get(Kind.READ, null, "/orders?item=" + item);
        }
        return get(Kind.QUERY, null, "/orders/stats?item=" + item);
    }

    private Request write(String key, String item, int quantity) {
        String form = "key=" + encode(key) + "&item=" + encode(item) + "&quantity=" + quantity;
        HttpRequest request = HttpRequest.newBuilder(service.uri("/orders")).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        return send(Kind.WRITE, key, request);
    }

    /** A read of an order this client was told was placed: not finding it means the write was lost. */
    private Request readByKey(String key) {
        Request read = get(Kind.READ, key, "/orders/" + encode(key));
        if (read.status == 404) {
            return new Request(read.kind, key, read.startNanos, read.endNanos, read.status,
                    "HTTP 404: the order " + key + " was acknowledged but is not in the database");
        }
        return read;
    }

    private Request get(Kind kind, String key, String pathAndQuery) {
        return send(kind, key, HttpRequest.newBuilder(service.uri(pathAndQuery)).timeout(REQUEST_TIMEOUT).GET().build());
    }

    private Request send(Kind kind, String key, HttpRequest request) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            long end = System.nanoTime();
            int status = response.statusCode();
            if (status < 300 || status == 404) {
                return new Request(kind, key, start, end, status, null);
            }
            String body = response.body();
            return new Request(kind, key, start, end, status, "HTTP " + status + ": " + ErrorJson.string(body, "message")
                    + "\n" + ErrorJson.string(body, "trace"));
        } catch (IOException e) {
            return new Request(kind, key, start, System.nanoTime(), 0, "client: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Request(kind, key, start, System.nanoTime(), 0, "client: interrupted");
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}

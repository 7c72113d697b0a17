package dev.lifeline.demo.scenario;

import dev.lifeline.demo.kv.KvService;
import dev.lifeline.demo.proxy.FaultProxy;
import dev.lifeline.demo.report.RunRecord;
import dev.lifeline.demo.report.ScenarioInfo;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Incident 3: a key-value API behind Cloudflare answers an HTML 500 page whenever its database
 * hiccups. The API runs here, in the demo's JVM, on com.sun.net.httpserver, its database calls
 * through the fault proxy; every {@link #HICCUP_EVERY_MS} ms the database refuses connections for
 * {@link #HICCUP_MS} ms. The application is the API's client, on the plain JDK HttpClient or on
 * one of the HTTP libraries (a report row each: {@code kv-500}, {@code kv-500-hc5}, ...).
 */
final class KvServerErrorScenario extends Scenario {

    /** The clients the scenario runs with, and how the report names each. */
    static final String[][] CLIENTS = {
        {"jdk", "java.net.http.HttpClient"},
        {"hc5", "Apache HttpClient 5 (HttpClients.createDefault())"},
        {"hc4", "Apache HttpClient 4.5 (HttpClients.createDefault())"},
        {"okhttp", "OkHttp 4 (new OkHttpClient())"},
    };

    private final String client;
    private final String clientTitle;

    KvServerErrorScenario(String client, String clientTitle) {
        this.client = client;
        this.clientTitle = clientTitle;
    }

    static final long HICCUP_EVERY_MS = 500;
    static final long HICCUP_MS = 100;
    /**
     * Agent arguments for the HTTP client. Six threads meet each 100 ms hiccup together, so the
     * retry budget's floor is raised to let all six retry (the default floor of 3 would fail the
     * other three at once), and eight attempts make the jittered waits outlast the hiccups (with
     * five, one call in a few hundred landed every attempt in a hiccup)
     * (incident 3's hand-written fix used 2 retries at fixed 100/200 ms).
     */
    static final String AGENT_ARGUMENTS = "lifeline.retry.maxAttempts=8,lifeline.retry.budgetMinConcurrent=6";

    @Override
    public int incident() {
        return 3;
    }

    @Override
    public String name() {
        return client.equals("jdk") ? "kv-500" : "kv-500-" + client;
    }

    @Override
    public ScenarioInfo info(DemoContext ctx) {
        return new ScenarioInfo(name(), 3, "A KV API answering 500 while its database hiccups"
                        + (client.equals("jdk") ? "" : " (" + clientTitle + ")"),
                "No Windows error: the API behind Cloudflare answered HTTP 500 with an HTML error page while its database hiccupped",
                "The same on every platform: a real HTTP server (com.sun.net.httpserver) whose database connections are refused "
                        + "for " + HICCUP_MS + " ms every " + HICCUP_EVERY_MS + " ms answers 500 with Cloudflare's HTML error page "
                        + "(Server: cloudflare, a Ray ID).",
                "6 threads call the API with " + clientTitle + ": PUT /kv/KEY (set), GET /kv/KEY (get), GET /kv?prefix= (list), "
                        + "no retry of its own beyond the client's; anything but 2xx or 404 is a failure.",
                "Retries idempotent requests (GET, PUT) that got 5xx/429, with exponential backoff and full jitter, honouring "
                        + "Retry-After; POST without an Idempotency-Key only when it provably never left.",
                "requests the API received beyond the one per operation the application made.",
                AGENT_ARGUMENTS);
    }

    @Override
    public RunRecord run(DemoContext ctx, boolean agent) throws Exception {
        ScenarioInfo info = info(ctx);
        String run = ctx.runLabel(info, agent);
        try (FaultProxy proxy = FaultProxy.start(ctx.database.host(), ctx.database.port());
             KvService service = KvService.start(DemoContext.plainUrl(ctx.database.urlVia(proxy.host(), proxy.port())))) {
            AtomicBoolean stop = new AtomicBoolean();
            Thread hiccups = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        Thread.sleep(HICCUP_EVERY_MS - HICCUP_MS);
                    } catch (InterruptedException e) {
                        return;
                    }
                    proxy.refuseConnectionsFor(Duration.ofMillis(HICCUP_MS));
                }
            }, "database-hiccups");
            hiccups.setDaemon(true);
            hiccups.start();
            DemoContext.ChildRun child;
            try {
                child = ctx.runChild(info, agent, KvClientWorkload.class, "base=" + service.baseUrl(), "run=" + run,
                        "seed=" + ctx.seed, "client=" + client, "threads=6", "ops=" + ctx.size(40, 120), "setPercent=40", "listPercent=10", "gapMs=10");
            } finally {
                stop.set(true);
                hiccups.interrupt();
                hiccups.join();
                proxy.refuseConnections(false);
            }
            long retries = Math.max(0, service.requests() - child.resultInt("ops"));
            return ctx.record(info, agent, child, child.acks().size(), ctx.checkKvWrites(run, child.acks()), retries,
                    service.serverErrors());
        }
    }
}

package dev.lifeline.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every key Lifeline knows, with its default and the incident behind it (docs/DESIGN.md, "What it
 * is for"). To add a key, add one constant wrapped in {@code register(...)}: the loader, the
 * environment-variable mapping, unknown-key suggestions and the README table all follow from it.
 */
public final class Settings {

    // Filled once while the constants below initialise (they are declared after it, so it exists
    // first); read-only afterwards.
    private static final List<Setting<?>> ALL = new ArrayList<>();
    private static final Map<String, Setting<?>> BY_KEY = new HashMap<>();

    // ---------------------------------------------------------------- the agent itself

    public static final Setting<Boolean> ENABLED = register(Setting.bool(
            "lifeline.enabled", true,
            "Set to false to make the agent do nothing: no class is transformed, every call behaves as without it.",
            null));

    public static final Setting<Boolean> STRICT = register(Setting.bool(
            "lifeline.strict", false,
            "Refuse to start the application when a setting is invalid or unknown, instead of warning and using the default.",
            null));

    public static final Setting<String> CONFIG_FILE = register(Setting.string(
            "lifeline.config", "", "a path to a properties file",
            "A properties file with further settings; agent arguments, system properties and environment variables override it.",
            null));

    // ---------------------------------------------------------------- retry (JDBC and HTTP)

    public static final Setting<Integer> RETRY_MAX_ATTEMPTS = register(Setting.integer(
            "lifeline.retry.maxAttempts", 3, 1, 100,
            "Attempts per statement replay and per HTTP call, the first one included; 1 turns retrying off (connection acquisition is bounded by lifeline.jdbc.acquireRetryFor instead).",
            "1 (3 attempts)"));

    public static final Setting<Duration> RETRY_INITIAL_BACKOFF = register(Setting.duration(
            "lifeline.retry.initialBackoff", "100ms", "1ms", "1m",
            "Upper bound of the wait before the first retry; it doubles for each later retry and full jitter picks the wait below it.",
            "1 (0.1 s / 0.2 s)"));

    public static final Setting<Duration> RETRY_MAX_BACKOFF = register(Setting.duration(
            "lifeline.retry.maxBackoff", "8s", "1ms", "10m",
            "Cap on any single wait between two attempts; must not be below the initial backoff.",
            "5 (2/4/8 s)"));

    public static final Setting<Duration> RETRY_DEADLINE = register(Setting.duration(
            "lifeline.retry.deadline", "30s", "1ms", "1h",
            "Total time one call may spend on all its attempts and waits; no retry starts once it has passed.",
            "4/5 (30 s total / pool timeout)"));

    public static final Setting<Double> RETRY_BUDGET_RATIO = register(Setting.ratio(
            "lifeline.retry.budgetRatio", 0.2,
            "Retries in flight to one target may be at most this fraction of the calls in flight to it, so an outage never becomes a retry storm.",
            null));

    public static final Setting<Integer> RETRY_BUDGET_MIN_CONCURRENT = register(Setting.integer(
            "lifeline.retry.budgetMinConcurrent", 3, 0, 10_000,
            "Retries in flight to one target always allowed whatever the ratio, so a target with little traffic can still retry.",
            null));

    // ---------------------------------------------------------------- JDBC

    /** 0 stands for "adaptive": no cap until the database or a pooler refuses a client. */
    public static final Setting<Integer> JDBC_MAX_CONNECTIONS = register(Setting.adaptiveOrInteger(
            "lifeline.jdbc.maxConnections", "adaptive", 1, 10_000,
            "Connections open at once per database; callers beyond it queue. adaptive: no cap until the database or "
                    + "a pooler refuses a client for being at its limit, then the connections open at that refusal, "
                    + "growing back by one per 10s without a refusal. A number is a fixed cap, and HikariCP's "
                    + "maximumPoolSize is clamped to it.",
            "5 (pooler refusing clients; hand-written pool 5 + overflow 10)"));

    public static final Setting<Duration> JDBC_ACQUIRE_RETRY_FOR = register(Setting.duration(
            "lifeline.jdbc.acquireRetryFor", "30s", "0ms", "1h",
            "How long getting a connection (Driver.connect, DataSource.getConnection, the reconnect under a replayed "
                    + "statement) keeps retrying while the database is down, restarting or refusing clients, with the "
                    + "retry.* backoff and one caller per database probing every 100ms; attempts are not counted. "
                    + "0 turns acquisition retries off.",
            "5 (retries at 2/4/8 s; HikariCP's own connectionTimeout of 30 s)"));

    public static final Setting<Integer> JDBC_ACQUIRE_MAX_ATTEMPTS = register(Setting.integer(
            "lifeline.jdbc.acquireMaxAttempts", 0, 0, 1_000_000,
            "Attempts per connection acquisition, the first one included; 0 means as many as fit in lifeline.jdbc.acquireRetryFor.",
            "5 (3 retries)"));

    public static final Setting<Boolean> JDBC_REPLAY_STATEMENTS = register(Setting.bool(
            "lifeline.jdbc.replayStatements", true,
            "Hand out Lifeline's own connection (a subclass of the driver's where possible) so that statements survive "
                    + "dead connections. false hands out the driver's own objects, exactly: acquisition is still retried, "
                    + "but statements are not replayed and no per-database cap applies.",
            "1, 2 (statements on connections the server or network killed)"));

    public static final Setting<Duration> JDBC_ACQUIRE_TIMEOUT = register(Setting.duration(
            "lifeline.jdbc.acquireTimeout", "30s", "0ms", "1h",
            "Longest a caller queues for a connection under the cap before it gets SQLTransientConnectionException; 0 fails at once.",
            "5 (pool timeout 30 s)"));

    public static final Setting<Duration> JDBC_KEEPALIVE = register(Setting.duration(
            "lifeline.jdbc.keepalive", "60s", "30s", "1h",
            "How often an idle pooled connection is tested so a server or proxy cannot drop it unnoticed (HikariCP's minimum keepalive is 30s).",
            "4 (keep-alive 60 s)"));

    public static final Setting<Duration> JDBC_MAX_LIFETIME = register(Setting.duration(
            "lifeline.jdbc.maxLifetime", "30m", "30s", "24h",
            "Age at which a connection is retired and replaced; 30m stays under common server and proxy idle limits.",
            "5 (recycle after 3600 s)"));

    public static final Setting<Duration> JDBC_VALIDATE_AFTER_IDLE = register(Setting.duration(
            "lifeline.jdbc.validateAfterIdle", "5s", "0ms", "1h",
            "A connection idle longer than this is validated before its next statement and replaced if dead, so the statement never sees the failure; 0 turns it off.",
            "2 (reused connections closed by the server: WinError 10054)"));

    public static final Setting<List<String>> JDBC_IDEMPOTENT_PATTERNS = register(Setting.stringList(
            "lifeline.jdbc.idempotentPatterns", "", "a regular expression (case-insensitive)",
            "Statements matching one of these regular expressions may be re-executed on a fresh connection after a connection failure, like a plain SELECT (e.g. upserts with ON CONFLICT DO NOTHING).",
            "1, 2 (parallel and reused connections failing)"));

    // ---------------------------------------------------------------- HTTP (java.net.http, HttpURLConnection)

    public static final Setting<List<Integer>> HTTP_RETRY_ON_STATUS = register(Setting.intList(
            "lifeline.http.retryOnStatus", "500,502,503,504,429", 100, 599,
            "Response statuses after which an idempotent request (or one with an Idempotency-Key header) is sent again; Retry-After is honoured within the deadline.",
            "3 (KV API answering 500 behind Cloudflare)"));

    public static final Setting<Integer> HTTP_MAX_CONNECTIONS_PER_HOST = register(Setting.integer(
            "lifeline.http.maxConnectionsPerHost", 30, 1, 10_000,
            "HTTP requests in flight at once to one host:port; requests beyond it queue.",
            "4 (30 per host)"));

    public static final Setting<Integer> HTTP_MAX_CONNECTIONS = register(Setting.integer(
            "lifeline.http.maxConnections", 100, 1, 100_000,
            "HTTP requests in flight at once in the whole JVM; requests beyond it queue.",
            "4 (100 in total)"));

    public static final Setting<Duration> HTTP_ACQUIRE_TIMEOUT = register(Setting.duration(
            "lifeline.http.acquireTimeout", "30s", "0ms", "1h",
            "Longest a request queues under the HTTP caps before it fails with an IOException naming the host, the cap and the wait; 0 fails at once.",
            "4 (total timeout 30 s)"));

    public static final Setting<Duration> HTTP_KEEPALIVE = register(Setting.duration(
            "lifeline.http.keepalive", "60s", "1s", "1h",
            "Idle pooled HTTP connections are closed after this long (java.net.http; HttpURLConnection only if shorter than its own 5s; Apache HttpClient 5 when the server sent no Keep-Alive; OkHttp's connection pool), unless the application set its own value.",
            "4 (keep-alive 60 s)"));

    public static final Setting<Duration> HTTP_VALIDATE_AFTER_IDLE = register(Setting.duration(
            "lifeline.http.validateAfterIdle", "1s", "0ms", "1h",
            "A pooled Apache HttpClient 5 connection idle longer than this is checked before reuse and replaced if the server closed it (its validateAfterInactivity, 2s by default), unless the application set its own connection config; 0 checks before every reuse.",
            "2 (reused connections closed by the server: WinError 10054)"));

    // ---------------------------------------------------------------- observability (issue 7)

    public static final Setting<Integer> ADMIN_PORT = register(Setting.integer(
            "lifeline.admin.port", 0, 0, 65535,
            "Port of the loopback-only (127.0.0.1) admin endpoint serving GET /health (JSON) and GET /metrics (Prometheus text); 0 turns it off.",
            "3, 4 (GET /health, pool statistics)"));

    public static final Setting<Boolean> BREAKER_ENABLED = register(Setting.bool(
            "lifeline.breaker.enabled", true,
            "Open a circuit breaker per target when too many calls fail for want of the target, so callers fail fast instead of piling up.",
            "3 (KV API failing while its database hiccups)"));

    public static final Setting<Double> BREAKER_FAILURE_RATIO = register(Setting.ratio(
            "lifeline.breaker.failureRatio", 0.5,
            "The breaker opens when at least this fraction of the calls in its window failed because the target was unavailable.",
            "3"));

    public static final Setting<Integer> BREAKER_MINIMUM_CALLS = register(Setting.integer(
            "lifeline.breaker.minimumCalls", 20, 1, 1_000_000,
            "Calls the window must hold before the failure ratio can open the breaker, so a quiet target is not cut off by two failures.",
            "3"));

    public static final Setting<Duration> BREAKER_WINDOW = register(Setting.duration(
            "lifeline.breaker.window", "10s", "1s", "10m",
            "How far back the breaker counts calls and failures (a sliding window of ten buckets).",
            "3"));

    public static final Setting<Duration> BREAKER_OPEN_DURATION = register(Setting.duration(
            "lifeline.breaker.openDuration", "10s", "100ms", "10m",
            "How long an open breaker fails calls fast before it lets probe calls through.",
            "3"));

    public static final Setting<Integer> BREAKER_HALF_OPEN_PROBES = register(Setting.integer(
            "lifeline.breaker.halfOpenProbes", 3, 1, 1000,
            "Calls let through after the open duration; the breaker closes when all of them succeed and opens again when one fails.",
            "3"));


    private Settings() {
    }

    /** Every known setting, in declaration order. */
    public static List<Setting<?>> all() {
        return Collections.unmodifiableList(ALL);
    }

    public static Optional<Setting<?>> byKey(String key) {
        return Optional.ofNullable(BY_KEY.get(key));
    }

    /**
     * The settings as a Markdown table (key | default | allowed | meaning | incident), to paste
     * into the README; {@code ReadmeDocumentsEverySettingTest} keeps the two in step.
     */
    public static String markdownTable() {
        StringBuilder table = new StringBuilder();
        table.append("| key | default | allowed | meaning | incident |\n");
        table.append("|---|---|---|---|---|\n");
        for (Setting<?> setting : ALL) {
            String shownDefault = setting.defaultText().isEmpty() ? "*(none)*" : "`" + setting.defaultText() + "`";
            table.append("| `").append(setting.key()).append("` | ")
                    .append(cell(shownDefault)).append(" | ")
                    .append(cell(setting.allowed())).append(" | ")
                    .append(cell(setting.meaning())).append(" | ")
                    .append(cell(setting.incident())).append(" |\n");
        }
        return table.toString();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    private static <T> Setting<T> register(Setting<T> setting) {
        // Two keys mapping to one environment variable would make LIFELINE_* ambiguous: fail at class init.
        for (Setting<?> known : ALL) {
            if (known.key().equals(setting.key()) || known.envName().equals(setting.envName())) {
                throw new IllegalStateException(setting.key() + " clashes with " + known.key());
            }
        }
        ALL.add(setting);
        BY_KEY.put(setting.key(), setting);
        return setting;
    }
}

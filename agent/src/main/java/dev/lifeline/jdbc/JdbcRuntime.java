package dev.lifeline.jdbc;

import dev.lifeline.config.LifelineConfig;
import dev.lifeline.config.Settings;
import dev.lifeline.limit.ConnectionCap;
import dev.lifeline.retry.FailureClassifier;
import dev.lifeline.retry.Retrier;
import dev.lifeline.retry.RetryBudget;
import dev.lifeline.retry.RetryListener;
import dev.lifeline.retry.RetryPolicy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The JDBC half of Lifeline once installed: settings turned into policy values at start-up, and
 * the per-target state. Advice reaches it through {@link #get()}; {@code null} means Lifeline's
 * JDBC support is off and every instrumented call runs as if the agent were absent.
 */
public final class JdbcRuntime {

    private static volatile JdbcRuntime current;

    /** Distinct URL strings remembered; past this, targets are still shared by name, only not cached by URL. */
    private static final int URL_CACHE_LIMIT = 1024;

    /** One caller per database retries a failing acquisition this often (README: first success within ~150 ms of a restart). */
    static final long PROBE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** An adaptive cap grows by one connection after this long without a refusal. */
    static final long CAP_GROWTH_NANOS = TimeUnit.SECONDS.toNanos(10);

    final LifelineConfig config;
    /** Statement replays: lifeline.retry.* */
    final RetryPolicy policy;
    final Retrier retrier;
    /** Connection acquisition (and the reconnect under a replay): lifeline.jdbc.acquireRetryFor. */
    final Retrier acquisition;
    /** 0: adaptive. */
    final int maxConnections;
    /** lifeline.jdbc.replayStatements: hand out Lifeline's connection, or the driver's own. */
    final boolean replayStatements;
    final long acquireTimeoutNanos;
    /** Acquisition retries, except a wait on Lifeline's own cap that already ran out. */
    final FailureClassifier acquireClassifier;
    final JdbcEvents events;
    /** Connections idle longer than this are validated before their next statement; 0 = never. */
    final long validateAfterIdleNanos;
    /** Statements matching one of these may run twice (lifeline.jdbc.idempotentPatterns). */
    final List<Pattern> idempotentPatterns;

    private final double budgetRatio;
    private final int budgetMinConcurrent;
    private final ConcurrentHashMap<String, TargetState> byName = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, TargetState> byUrl = new ConcurrentHashMap<>();

    JdbcRuntime(LifelineConfig config, RetryListener listener, JdbcEvents events) {
        this.config = config;
        this.events = events;
        this.validateAfterIdleNanos = config.get(Settings.JDBC_VALIDATE_AFTER_IDLE).toNanos();
        List<Pattern> patterns = new ArrayList<>();
        for (String pattern : config.get(Settings.JDBC_IDEMPOTENT_PATTERNS)) {
            patterns.add(Pattern.compile(pattern, Pattern.CASE_INSENSITIVE));
        }
        this.idempotentPatterns = Collections.unmodifiableList(patterns);
        this.policy = new RetryPolicy(
                config.get(Settings.RETRY_MAX_ATTEMPTS),
                config.get(Settings.RETRY_INITIAL_BACKOFF),
                config.get(Settings.RETRY_MAX_BACKOFF),
                config.get(Settings.RETRY_DEADLINE));
        this.retrier = new Retrier(policy, listener);
        this.acquisition = Retrier.probing(acquisitionPolicy(config), listener, PROBE_INTERVAL_NANOS);
        this.maxConnections = config.get(Settings.JDBC_MAX_CONNECTIONS);
        this.replayStatements = config.get(Settings.JDBC_REPLAY_STATEMENTS);
        this.acquireTimeoutNanos = config.get(Settings.JDBC_ACQUIRE_TIMEOUT).toNanos();
        this.budgetRatio = config.get(Settings.RETRY_BUDGET_RATIO);
        this.budgetMinConcurrent = config.get(Settings.RETRY_BUDGET_MIN_CONCURRENT);
        this.acquireClassifier = new AcquireClassifier();
    }

    /**
     * Attempts are not counted: a restart or a failover takes from under a second to tens of
     * seconds, and the window, not a number of tries, is what the application can afford to wait.
     */
    static RetryPolicy acquisitionPolicy(LifelineConfig config) {
        Duration window = config.get(Settings.JDBC_ACQUIRE_RETRY_FOR);
        if (window.isZero()) {
            return new RetryPolicy(1, config.get(Settings.RETRY_INITIAL_BACKOFF), config.get(Settings.RETRY_MAX_BACKOFF),
                    Duration.ofMillis(1));
        }
        int attempts = config.get(Settings.JDBC_ACQUIRE_MAX_ATTEMPTS);
        return new RetryPolicy(attempts == 0 ? Integer.MAX_VALUE : attempts, config.get(Settings.RETRY_INITIAL_BACKOFF),
                config.get(Settings.RETRY_MAX_BACKOFF), window);
    }

    public static void install(LifelineConfig config, RetryListener listener, JdbcEvents events) {
        DataSourceTargets.clear();
        current = new JdbcRuntime(config, listener, events);
    }

    /** For tests of the plain interceptors: forget everything. */
    static void uninstall() {
        current = null;
        DataSourceTargets.clear();
    }

    public static JdbcRuntime get() {
        return current;
    }

    /**
     * For generated wrapper classes of a driver in an explicit named module (read edges, opens).
     * Set by the installer; without it such drivers get interface-only wrappers.
     */
    public static void useInstrumentation(java.lang.instrument.Instrumentation instrumentation) {
        WrapperType.instrumentation = instrumentation;
    }

    /** {@code lifeline.jdbc.maxConnections}: 0 for adaptive, else the fixed cap the user set. */
    public int maxConnections() {
        return maxConnections;
    }

    public Duration keepalive() {
        return config.get(Settings.JDBC_KEEPALIVE);
    }

    public Duration maxLifetime() {
        return config.get(Settings.JDBC_MAX_LIFETIME);
    }

    TargetState forUrl(String url) {
        TargetState state = byUrl.get(url);
        if (state == null) {
            state = forName(JdbcTarget.of(url));
            if (byUrl.size() < URL_CACHE_LIMIT) {
                byUrl.putIfAbsent(url, state);
            }
        }
        return state;
    }

    TargetState forName(String name) {
        TargetState state = byName.get(name);
        if (state != null) {
            return state;
        }
        return byName.computeIfAbsent(name, n -> new TargetState(n,
                maxConnections > 0 ? ConnectionCap.fixed(n, maxConnections) : ConnectionCap.adaptive(n, CAP_GROWTH_NANOS),
                new RetryBudget(budgetRatio, budgetMinConcurrent)));
    }

    /**
     * A connect is retried when its failure is, except a wait for a slot under the cap that timed
     * out. A class, not a lambda: no lambda is linked at premain.
     */
    private static final class AcquireClassifier implements FailureClassifier {
        @Override
        public boolean isRetryable(Throwable failure) {
            return !(failure instanceof CapTimeoutException) && JdbcFailureClassifier.ACQUIRE.isRetryable(failure);
        }
    }
}

package dev.lifeline.http;

import dev.lifeline.config.LifelineConfig;
import dev.lifeline.config.Settings;
import dev.lifeline.retry.Retrier;
import dev.lifeline.retry.RetryBudget;
import dev.lifeline.retry.RetryListener;
import dev.lifeline.retry.RetryPolicy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The HTTP half of Lifeline once installed: settings turned into policy values at start-up, and
 * the per-host state. The interceptors reach it through {@link #get()}; {@code null} means
 * Lifeline's HTTP support is off and every instrumented call runs as if the agent were absent.
 */
public final class HttpRuntime {

    private static volatile HttpRuntime current;

    final RetryPolicy policy;
    final Retrier retrier;
    final RetryListener listener;
    final RetryRules rules;
    final long acquireTimeoutNanos;
    final long deadlineNanos;
    final RequestCap totalCap;
    final HttpSettings settings;

    private final int maxPerHost;
    private final double budgetRatio;
    private final int budgetMinConcurrent;
    private final ConcurrentHashMap<String, HttpTarget> targets = new ConcurrentHashMap<>();

    HttpRuntime(LifelineConfig config, RetryListener listener) {
        this.policy = new RetryPolicy(
                config.get(Settings.RETRY_MAX_ATTEMPTS),
                config.get(Settings.RETRY_INITIAL_BACKOFF),
                config.get(Settings.RETRY_MAX_BACKOFF),
                config.get(Settings.RETRY_DEADLINE));
        this.listener = listener == null ? RetryListener.NONE : listener;
        this.retrier = new Retrier(policy, this.listener);
        this.deadlineNanos = policy.deadline().toNanos();
        this.rules = new RetryRules(config.get(Settings.HTTP_RETRY_ON_STATUS));
        this.acquireTimeoutNanos = config.get(Settings.HTTP_ACQUIRE_TIMEOUT).toNanos();
        this.maxPerHost = config.get(Settings.HTTP_MAX_CONNECTIONS_PER_HOST);
        this.totalCap = new RequestCap("all hosts", "total", config.get(Settings.HTTP_MAX_CONNECTIONS));
        this.budgetRatio = config.get(Settings.RETRY_BUDGET_RATIO);
        this.budgetMinConcurrent = config.get(Settings.RETRY_BUDGET_MIN_CONCURRENT);
        this.settings = new HttpSettings(config.get(Settings.HTTP_KEEPALIVE).toMillis(),
                config.get(Settings.HTTP_VALIDATE_AFTER_IDLE).toMillis());
    }

    /** Makes the runtime current; the instrumentation is installed separately ({@link HttpInstrumentation}). */
    public static void install(LifelineConfig config, RetryListener listener) {
        current = new HttpRuntime(config, listener);
    }

    /** For tests: forget everything. */
    static void uninstall() {
        current = null;
    }

    static HttpRuntime get() {
        return current;
    }

    /**
     * The last target asked for: most applications call one host over and over, and this spares
     * the fast path building the {@code host:port} key. Racy on purpose: any value read is a
     * consistent, immutable triple.
     */
    private volatile LastTarget last;

    private static final class LastTarget {
        final String host;
        final int port;
        final HttpTarget target;

        LastTarget(String host, int port, HttpTarget target) {
            this.host = host;
            this.port = port;
            this.target = target;
        }
    }

    /** @param host as in the URI (no user info); @param port the effective port */
    HttpTarget target(String host, int port) {
        LastTarget seen = last;
        if (seen != null && seen.port == port && seen.host.equals(host)) {
            return seen.target;
        }
        HttpTarget target = lookUp(host, port);
        last = new LastTarget(host, port, target);
        return target;
    }

    private HttpTarget lookUp(String host, int port) {
        String name = host + ":" + port;
        HttpTarget target = targets.get(name);
        if (target != null) {
            return target;
        }
        return targets.computeIfAbsent(name, n -> new HttpTarget(n, new RequestCap(n, "per-host", maxPerHost),
                totalCap, new RetryBudget(budgetRatio, budgetMinConcurrent)));
    }

    static int effectivePort(String scheme, int port) {
        if (port >= 0) {
            return port;
        }
        return "https".equalsIgnoreCase(scheme) ? 443 : 80;
    }

    /** Lifeline's own timer for async retries and async cap timeouts: one daemon thread, made on first use. */
    static ScheduledExecutorService scheduler() {
        return Scheduler.INSTANCE;
    }

    private static final class Scheduler {
        static final ScheduledThreadPoolExecutor INSTANCE = create();

        private static ScheduledThreadPoolExecutor create() {
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
                Thread t = new Thread(runnable, "lifeline-http-retry");
                t.setDaemon(true);
                return t;
            });
            executor.setRemoveOnCancelPolicy(true);
            return executor;
        }
    }
}

package dev.lifeline.metrics;

import dev.lifeline.breaker.BreakerConfig;
import dev.lifeline.jdbc.JdbcEvents;
import dev.lifeline.limit.ConnectionCap;
import dev.lifeline.log.LifelineLog;
import dev.lifeline.retry.RetryListener;

import dev.lifeline.breaker.CircuitBreaker;

import java.io.IOException;
import java.util.function.Supplier;

/**
 * What Lifeline shows of itself, started once from the Installer: per-target health and counters
 * ({@link LifelineMetrics}), circuit breakers, the event listeners the retry loop and the JDBC
 * code report to, JDK logging of retries and give-ups, and the optional loopback admin endpoint.
 *
 * <p>Start-up stays light: without {@code lifeline.admin.port} this loads no Micrometer class,
 * binds no socket, starts no thread and does not touch {@code java.util.logging}. With it, one
 * port is bound at start-up and Micrometer loads on the first {@code /metrics} request.
 *
 * <p>Wiring (in {@code Installer.install}, before the JDBC and HTTP runtimes are installed):
 * <pre>{@code
 * Observability observability = Observability.start(adminPort, breakerConfig, strict);
 * JdbcRuntime.install(config, observability.retryListener(Kind.JDBC), observability.jdbcEvents());
 * instrumentation.addTransformer(new LifelineTransformer(...), true);
 * }</pre>
 */
public final class Observability {

    /** Before {@link #start}: counts and breakers work (breakers disabled), nothing is served. */
    private static volatile Observability current = new Observability(BreakerConfig.DISABLED);

    private final LifelineMetrics metrics;
    private final ObservingListener jdbc;
    private final ObservingListener http;
    private volatile AdminServer admin;

    private Observability(BreakerConfig breaker) {
        this.metrics = new LifelineMetrics(breaker, new BreakerChangesToLog());
        this.jdbc = new ObservingListener(Kind.JDBC, metrics);
        this.http = new ObservingListener(Kind.HTTP, metrics);
    }

    /**
     * Starts observability with the given settings and makes it {@link #current()}.
     *
     * @param adminPort  {@code lifeline.admin.port}: 0 = no endpoint; else 127.0.0.1:port serves
     *                   /health and /metrics
     * @param breaker    the circuit breaker policy for every target ({@link BreakerConfig#DISABLED} for none)
     * @param strict     {@code lifeline.strict}: a port that cannot be bound stops the start-up
     *                   (IllegalStateException) instead of one warning line
     */
    public static synchronized Observability start(int adminPort, BreakerConfig breaker, boolean strict) {
        if (adminPort < 0 || adminPort > 65535) {
            throw new IllegalArgumentException("lifeline.admin.port must be 0 (off) or 1-65535, was " + adminPort);
        }
        Observability previous = current;
        if (previous.admin != null) {
            previous.admin.stop();
        }
        Observability observability = new Observability(breaker);
        if (adminPort > 0) {
            try {
                LifelineMetrics metrics = observability.metrics;
                observability.admin = AdminServer.start(adminPort,
                        () -> HealthJson.render(metrics.targets(), System.currentTimeMillis()),
                        () -> newScrape(metrics));
            } catch (IOException | RuntimeException e) {
                String line = "lifeline.admin.port=" + adminPort + ": cannot listen on 127.0.0.1:" + adminPort
                        + " (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                        + "); /health and /metrics are off, the application runs on";
                if (strict) {
                    throw new IllegalStateException("[lifeline] " + line, e);
                }
                LifelineLog.warn(line);
            }
        }
        current = observability;
        return observability;
    }

    /** Loads Micrometer: only from the admin endpoint's first /metrics request. */
    private static Supplier<String> newScrape(LifelineMetrics metrics) {
        return new PrometheusScrape(metrics);
    }

    /** The instance started last (or a quiet default); never null. */
    public static Observability current() {
        return current;
    }

    /** For tests: stop the endpoint and go back to the quiet default. */
    public static synchronized void stop() {
        Observability previous = current;
        if (previous.admin != null) {
            previous.admin.stop();
            previous.admin = null;
        }
        current = new Observability(BreakerConfig.DISABLED);
    }

    /** The one {@link TargetHealth} of a target, with its breaker; {@code cap} may be null (HTTP, or not capped). */
    public TargetHealth target(Kind kind, String target, ConnectionCap cap) {
        return metrics.target(kind, target, cap);
    }

    /** Pass to {@code new Retrier(policy, listener)} of that kind. */
    public RetryListener retryListener(Kind kind) {
        return kind == Kind.JDBC ? jdbc : http;
    }

    /** Pass to {@code JdbcRuntime.install(config, listener, events)}. */
    public JdbcEvents jdbcEvents() {
        return jdbc;
    }

    public LifelineMetrics metrics() {
        return metrics;
    }

    /** The bound admin port, or -1 when there is no endpoint. */
    public int adminPort() {
        AdminServer a = admin;
        return a == null ? -1 : a.port();
    }

    /** Each breaker's change of state, as one event line. A class, not a lambda: none is linked at premain. */
    private static final class BreakerChangesToLog implements LifelineMetrics.BreakerWatcher {
        @Override
        public void changed(Kind kind, CircuitBreaker breaker, CircuitBreaker.State from, CircuitBreaker.State to) {
            EventLog.breakerChanged(kind, breaker, to);
        }
    }
}

package dev.lifeline.breaker;

import java.time.Duration;
import java.util.Objects;

/**
 * The circuit breaker's policy, one value shared by every target of a kind (incident 3: a KV API
 * answering 500 while its database hiccups must fail fast instead of piling up callers).
 *
 * <p>Plain values so the {@code config} package needs no change to build one; validated here once.
 */
public final class BreakerConfig {

    /** Never opens: {@link CircuitBreaker#tryAcquirePermission()} is a single field read returning true. */
    public static final BreakerConfig DISABLED = new BreakerConfig(false, 1.0, Integer.MAX_VALUE,
            Duration.ofSeconds(10), Duration.ofSeconds(30), 1);

    private final boolean enabled;
    private final double failureRatio;
    private final int minimumCalls;
    private final Duration window;
    private final Duration openDuration;
    private final int halfOpenProbes;

    private BreakerConfig(boolean enabled, double failureRatio, int minimumCalls, Duration window,
                          Duration openDuration, int halfOpenProbes) {
        this.enabled = enabled;
        this.failureRatio = failureRatio;
        this.minimumCalls = minimumCalls;
        this.window = window;
        this.openDuration = openDuration;
        this.halfOpenProbes = halfOpenProbes;
    }

    /**
     * @param failureRatio   open when at least this fraction of the calls in the window failed (0 < r <= 1)
     * @param minimumCalls   ...and the window holds at least this many calls (>= 1)
     * @param window         how far back calls count (>= 1 s; kept in 10 buckets)
     * @param openDuration   how long calls fail fast before probes are let through (> 0)
     * @param halfOpenProbes calls let through after that; all must succeed to close (>= 1)
     */
    public static BreakerConfig of(double failureRatio, int minimumCalls, Duration window, Duration openDuration,
                                   int halfOpenProbes) {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(openDuration, "openDuration");
        if (!(failureRatio > 0 && failureRatio <= 1)) {
            throw new IllegalArgumentException("breaker failure ratio must be > 0 and <= 1, was " + failureRatio);
        }
        if (minimumCalls < 1) {
            throw new IllegalArgumentException("breaker minimum calls must be at least 1, was " + minimumCalls);
        }
        if (window.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("breaker window must be at least 1s, was " + window);
        }
        if (openDuration.isNegative() || openDuration.isZero()) {
            throw new IllegalArgumentException("breaker open duration must be positive, was " + openDuration);
        }
        if (halfOpenProbes < 1) {
            throw new IllegalArgumentException("breaker half-open probes must be at least 1, was " + halfOpenProbes);
        }
        return new BreakerConfig(true, failureRatio, minimumCalls, window, openDuration, halfOpenProbes);
    }

    public boolean enabled() {
        return enabled;
    }

    public double failureRatio() {
        return failureRatio;
    }

    public int minimumCalls() {
        return minimumCalls;
    }

    public Duration window() {
        return window;
    }

    public Duration openDuration() {
        return openDuration;
    }

    public int halfOpenProbes() {
        return halfOpenProbes;
    }

    @Override
    public String toString() {
        return enabled ? "BreakerConfig{failureRatio=" + failureRatio + ", minimumCalls=" + minimumCalls
                + ", window=" + window + ", openDuration=" + openDuration + ", halfOpenProbes=" + halfOpenProbes + '}'
                : "BreakerConfig{disabled}";
    }
}

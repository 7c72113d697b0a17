package dev.lifeline.retry;

import java.time.Duration;
import java.util.Objects;

/**
 * How often and how patiently one call is retried: an immutable value, validated once.
 *
 * <p>Backoff is exponential with full jitter (AWS architecture blog, "Exponential Backoff And
 * Jitter"): spreading retries uniformly over the whole window is what keeps a burst of failing
 * callers (incident 1) from retrying in lock-step against a server that is just coming back.
 */
public final class RetryPolicy {

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration deadline;
    // Nanos precomputed: the retry loop never converts a Duration.
    private final long initialBackoffNanos;
    private final long maxBackoffNanos;
    private final long deadlineNanos;

    /**
     * @param maxAttempts    attempts in total, the first included (1 = never retry)
     * @param initialBackoff upper bound of the first wait; doubles per retry
     * @param maxBackoff     upper bound of any single wait
     * @param deadline       overall time budget of one call, attempts and waits included
     */
    public RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration deadline) {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(deadline, "deadline");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        if (initialBackoff.isNegative()) {
            throw new IllegalArgumentException("initialBackoff must not be negative, was " + initialBackoff);
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff (" + maxBackoff
                    + ") must not be shorter than initialBackoff (" + initialBackoff + ")");
        }
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive, was " + deadline);
        }
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.deadline = deadline;
        this.initialBackoffNanos = saturatedNanos(initialBackoff);
        this.maxBackoffNanos = saturatedNanos(maxBackoff);
        this.deadlineNanos = saturatedNanos(deadline);
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration initialBackoff() {
        return initialBackoff;
    }

    public Duration maxBackoff() {
        return maxBackoff;
    }

    public Duration deadline() {
        return deadline;
    }

    long deadlineNanos() {
        return deadlineNanos;
    }

    /**
     * The wait before a retry: uniform in {@code [0, min(maxBackoff, initialBackoff * 2^(retry-1))]}.
     *
     * @param retry      1 for the first retry (the second attempt)
     * @param unitRandom a value in [0, 1); values outside are clamped
     */
    public long backoffNanos(int retry, double unitRandom) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry is 1-based, was " + retry);
        }
        long ceiling = ceilingNanos(retry);
        if (!(unitRandom > 0)) { // also NaN
            return 0;
        }
        long wait = (long) (ceiling * unitRandom);
        return Math.min(wait, ceiling);
    }

    private long ceilingNanos(int retry) {
        int shift = retry - 1;
        if (shift >= Long.SIZE - 1 || initialBackoffNanos > (maxBackoffNanos >> shift)) {
            return maxBackoffNanos; // doubling would pass the cap (or overflow): the cap wins
        }
        return initialBackoffNanos << shift;
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE; // ~292 years: "forever" for every practical purpose
        }
    }

    @Override
    public String toString() {
        return "RetryPolicy{maxAttempts=" + maxAttempts + ", initialBackoff=" + initialBackoff
                + ", maxBackoff=" + maxBackoff + ", deadline=" + deadline + '}';
    }
}

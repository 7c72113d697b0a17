package dev.lifeline.retry;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps retries per target so an outage never turns into a retry storm (Envoy's retry budget):
 * retries in flight, waits in backoff included, stay at most
 * {@code max(minConcurrent, ratio * callsInFlight)}.
 *
 * <p>Lock-free: two atomic counters; the fast path (a call that does not fail) touches only
 * {@link #callStarted()} and {@link #callFinished()}.
 */
public final class RetryBudget {

    private final double ratio;
    private final int minConcurrent;
    private final AtomicInteger callsInFlight = new AtomicInteger();
    private final AtomicInteger retriesInFlight = new AtomicInteger();

    /**
     * @param ratio         retries allowed per call in flight (Envoy's default budget is 0.2)
     * @param minConcurrent retries always allowed, so a quiet target can still retry (Envoy: 3)
     */
    public RetryBudget(double ratio, int minConcurrent) {
        if (!(ratio >= 0) || Double.isInfinite(ratio)) {
            throw new IllegalArgumentException("ratio must be a finite number >= 0, was " + ratio);
        }
        if (minConcurrent < 0) {
            throw new IllegalArgumentException("minConcurrent must be >= 0, was " + minConcurrent);
        }
        this.ratio = ratio;
        this.minConcurrent = minConcurrent;
    }

    public void callStarted() {
        callsInFlight.incrementAndGet();
    }

    public void callFinished() {
        callsInFlight.decrementAndGet();
    }

    /** Takes a retry slot; {@code false} means denied: the caller gives up with the original error. */
    public boolean tryStartRetry() {
        while (true) {
            int retries = retriesInFlight.get();
            int allowed = Math.max(minConcurrent, (int) (ratio * callsInFlight.get()));
            if (retries >= allowed) {
                return false;
            }
            if (retriesInFlight.compareAndSet(retries, retries + 1)) {
                return true;
            }
        }
    }

    /** Gives back the slot taken by {@link #tryStartRetry()} once the retried attempt returned or threw. */
    public void retryFinished() {
        retriesInFlight.decrementAndGet();
    }

    public int callsInFlight() {
        return callsInFlight.get();
    }

    public int retriesInFlight() {
        return retriesInFlight.get();
    }

    @Override
    public String toString() {
        return "RetryBudget{ratio=" + ratio + ", minConcurrent=" + minConcurrent
                + ", calls=" + callsInFlight.get() + ", retries=" + retriesInFlight.get() + '}';
    }
}

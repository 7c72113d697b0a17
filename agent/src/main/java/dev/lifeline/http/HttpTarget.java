package dev.lifeline.http;

import dev.lifeline.metrics.Kind;
import dev.lifeline.metrics.Observability;
import dev.lifeline.metrics.TargetHealth;

import dev.lifeline.retry.RetryBudget;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One upstream, named {@code host:port} (never a path, query or user info: those carry tokens):
 * its cap on requests in flight and its retry budget. Acquiring a slot takes the host's cap first
 * and then the JVM-wide one, always in that order, so two callers can never hold one each and
 * wait for the other's.
 */
final class HttpTarget {

    final String name;
    final RequestCap hostCap;
    final RequestCap totalCap;
    final RetryBudget budget;
    /** Counters, breaker and last failure of this host, for /health, /metrics and fail-fast. */
    final TargetHealth health;

    HttpTarget(String name, RequestCap hostCap, RequestCap totalCap, RetryBudget budget) {
        this.name = name;
        this.hostCap = hostCap;
        this.totalCap = totalCap;
        this.budget = budget;
        this.health = Observability.current().target(Kind.HTTP, name, null);
    }

    /**
     * The breaker's answer before a call: an open breaker fails the call at once with the type a
     * client of a refused host sees, so existing handlers keep working.
     */
    void checkBreaker(long startNanos) throws java.net.ConnectException {
        if (!health.tryAcquirePermission()) {
            throw new java.net.ConnectException(health.rejectionMessage());
        }
        health.breaker().tick(startNanos); // the call's own start time: its success needs no clock read
    }

    /** Reports how a permitted call ended: unavailable means a transport failure or a retryable status. */
    void reportOutcome(Throwable failure, int status, boolean retryableStatus) {
        if (failure != null) {
            health.onFailure(failure, HttpFailures.transport(failure));
        } else if (retryableStatus) {
            health.recordHttpStatus(status);
            health.onFailure(null, true);
        } else {
            health.onSuccessUntimed(); // placed in the breaker's window by the next call's tick
        }
    }

    /** Takes both slots, waiting at most {@code timeoutNanos} in all. */
    void acquire(long timeoutNanos) throws InterruptedException, CapTimeoutIOException {
        if (hostCap.tryAcquire()) {
            if (totalCap.tryAcquire()) {
                return; // the fast path: two CASes
            }
            try {
                totalCap.acquire(name, timeoutNanos);
                return;
            } catch (InterruptedException | CapTimeoutIOException | RuntimeException e) {
                hostCap.release();
                throw e;
            }
        }
        long start = System.nanoTime();
        hostCap.acquire(name, timeoutNanos);
        try {
            totalCap.acquire(name, timeoutNanos - (System.nanoTime() - start));
        } catch (InterruptedException | CapTimeoutIOException | RuntimeException e) {
            hostCap.release();
            throw e;
        }
    }

    /** Both slots without blocking a thread; the future fails with {@link CapTimeoutIOException}. */
    CompletableFuture<HttpTarget> acquireAsync(long timeoutNanos, ScheduledExecutorService timer) {
        if (hostCap.tryAcquire()) {
            if (totalCap.tryAcquire()) {
                return CompletableFuture.completedFuture(this);
            }
            return totalAfterHost(timeoutNanos, timer);
        }
        long start = System.nanoTime();
        return hostCap.acquireAsync(name, timeoutNanos, timer)
                .thenCompose(host -> totalAfterHost(timeoutNanos - (System.nanoTime() - start), timer));
    }

    private CompletableFuture<HttpTarget> totalAfterHost(long timeoutNanos, ScheduledExecutorService timer) {
        return totalCap.acquireAsync(name, timeoutNanos, timer).handle((total, failure) -> {
            if (failure != null) {
                hostCap.release();
                throw Sneaky.raise(failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure);
            }
            return this;
        });
    }

    void release() {
        totalCap.release();
        hostCap.release();
    }

    @Override
    public String toString() {
        return "HttpTarget{" + name + ", host=" + hostCap + ", total=" + totalCap + '}';
    }
}

package dev.lifeline.http;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps HTTP requests in flight to one host (or in the whole JVM), so a burst queues here instead
 * of being reset by the server (incidents 1 and 4: 30 per host, 100 in total).
 *
 * <p>The same idea as {@link dev.lifeline.limit.ConnectionCap} — a fair {@link Semaphore}, an
 * uncontended acquire is one CAS and no lock, a blocked caller parks only itself — plus waiting
 * without a thread for {@code sendAsync}: an async waiter is a future in a queue that every
 * release drains, and its timeout is a task on Lifeline's scheduler.
 */
final class RequestCap {

    private final String name;
    private final String kind;
    private final int max;
    private final Semaphore permits;
    private final ConcurrentLinkedQueue<CompletableFuture<RequestCap>> asyncWaiters = new ConcurrentLinkedQueue<>();
    private final AtomicInteger peak = new AtomicInteger();

    /** @param kind "per-host" or "total", for the timeout message */
    RequestCap(String name, String kind, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("HTTP cap for " + name + " must be at least 1, was " + max);
        }
        this.name = name;
        this.kind = kind;
        this.max = max;
        this.permits = new Semaphore(max, true);
    }

    /** A slot now or never; honours the fair order of waiters (unlike {@code Semaphore.tryAcquire()}). */
    boolean tryAcquire() {
        try {
            if (permits.tryAcquire(0, TimeUnit.NANOSECONDS)) {
                recordPeak();
                return true;
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Waits up to {@code timeoutNanos} for a slot, parking only this thread.
     *
     * @throws CapTimeoutIOException when none became free in time
     */
    void acquire(String target, long timeoutNanos) throws InterruptedException, CapTimeoutIOException {
        if (tryAcquire()) {
            return;
        }
        long start = System.nanoTime();
        if (!permits.tryAcquire(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS)) {
            throw new CapTimeoutIOException(target, kind, max, System.nanoTime() - start);
        }
        recordPeak();
    }

    /**
     * A future completed (with this cap) once a slot is taken, or exceptionally with
     * {@link CapTimeoutIOException} after {@code timeoutNanos}. No thread waits meanwhile.
     */
    CompletableFuture<RequestCap> acquireAsync(String target, long timeoutNanos, ScheduledExecutorService timer) {
        if (tryAcquire()) {
            return CompletableFuture.completedFuture(this);
        }
        CompletableFuture<RequestCap> waiter = new CompletableFuture<>();
        long start = System.nanoTime();
        asyncWaiters.add(waiter);
        drain(); // a slot may have been freed between tryAcquire and add
        if (!waiter.isDone()) {
            timer.schedule(() -> {
                if (waiter.completeExceptionally(new CapTimeoutIOException(target, kind, max, System.nanoTime() - start))) {
                    asyncWaiters.remove(waiter);
                }
            }, Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS);
        }
        return waiter;
    }

    void release() {
        permits.release();
        if (!asyncWaiters.isEmpty()) {
            drain();
        }
    }

    /** Hands free slots to queued async waiters; a waiter that already timed out gives its slot back. */
    private void drain() {
        while (!asyncWaiters.isEmpty()) {
            if (!tryAcquire()) {
                return; // the holder's release drains again
            }
            CompletableFuture<RequestCap> waiter = asyncWaiters.poll();
            if (waiter == null || !waiter.complete(this)) {
                permits.release(); // nobody (left) to take it; loop re-checks for a waiter added meanwhile
            }
        }
    }

    private void recordPeak() {
        int now = inUse();
        for (int p = peak.get(); now > p; p = peak.get()) {
            if (peak.compareAndSet(p, now)) {
                return;
            }
        }
    }

    String name() {
        return name;
    }

    int max() {
        return max;
    }

    int inUse() {
        return max - permits.availablePermits();
    }

    int peakInUse() {
        return peak.get();
    }

    int asyncWaiters() {
        return asyncWaiters.size();
    }

    @Override
    public String toString() {
        return "RequestCap{" + name + ", inUse=" + inUse() + "/" + max + '}';
    }
}

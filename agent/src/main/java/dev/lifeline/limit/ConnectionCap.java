package dev.lifeline.limit;

import java.lang.ref.Cleaner;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Caps the connections one target may have open at once, so a burst queues here instead of being
 * refused by the pooler (incident 5: Supavisor's "max clients reached"; the hand-written fix was
 * a pool of 5 + overflow 10 = 15).
 *
 * <p>A fair {@link Semaphore}: waiters are served in arrival order, the uncontended acquire is a
 * single CAS, and waiting parks only the calling thread (AQS, no monitor), so virtual threads
 * unmount instead of pinning a carrier.
 */
public final class ConnectionCap {

    private final String target;
    private final int max;
    private final Semaphore permits;
    private final AtomicInteger peakInUse = new AtomicInteger();
    private final AtomicLong releasedByCleaner = new AtomicLong();

    public ConnectionCap(String target, int max) {
        this.target = Objects.requireNonNull(target, "target");
        if (max < 1) {
            throw new IllegalArgumentException("connection cap for " + target + " must be at least 1, was " + max);
        }
        this.max = max;
        this.permits = new Semaphore(max, true);
    }

    /**
     * Takes a slot, waiting up to {@code timeoutNanos} behind earlier waiters.
     *
     * @return the slot, or {@code null} when none became free in time
     * @throws InterruptedException if the thread is interrupted (also when it already was)
     */
    public Slot acquire(long timeoutNanos) throws InterruptedException {
        if (!permits.tryAcquire(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS)) {
            return null;
        }
        recordPeak();
        return new Slot(this);
    }

    private void recordPeak() {
        int now = inUse();
        for (int peak = peakInUse.get(); now > peak; peak = peakInUse.get()) {
            if (peakInUse.compareAndSet(peak, now)) {
                return;
            }
        }
    }

    public String target() {
        return target;
    }

    public int max() {
        return max;
    }

    public int inUse() {
        return max - permits.availablePermits();
    }

    /** Threads waiting for a slot (an estimate, as {@link Semaphore#getQueueLength()}). */
    public int waiters() {
        return permits.getQueueLength();
    }

    public int peakInUse() {
        return peakInUse.get();
    }

    /** Slots freed because their connection was garbage collected without being closed: leaks. */
    public long releasedByCleaner() {
        return releasedByCleaner.get();
    }

    @Override
    public String toString() {
        return "ConnectionCap{" + target + ", inUse=" + inUse() + "/" + max + ", waiters=" + waiters() + '}';
    }

    /** One open connection's place under the cap. */
    public static final class Slot {

        private final ConnectionCap cap;
        private final AtomicBoolean released = new AtomicBoolean();
        private volatile Cleaner.Cleanable cleanable;

        Slot(ConnectionCap cap) {
            this.cap = cap;
        }

        /** Gives the slot back; only the first call has an effect (close() may be called twice). */
        public boolean release() {
            if (!released.compareAndSet(false, true)) {
                return false;
            }
            cap.permits.release();
            Cleaner.Cleanable registered = cleanable;
            if (registered != null) {
                registered.clean(); // unregister; its action finds the slot released and does nothing
            }
            return true;
        }

        /**
         * Frees the slot when {@code owner} becomes unreachable without {@link #release()}: a
         * connection the application lost without closing must not hold its place forever.
         */
        public Slot releaseWhenUnreachable(Object owner) {
            Objects.requireNonNull(owner, "owner");
            if (cleanable != null) {
                throw new IllegalStateException("slot already bound to an owner");
            }
            if (!released.get()) {
                // The action refers to this slot only, never to owner, or owner would stay reachable.
                cleanable = Cleaners.SHARED.register(owner, new ReleaseLeaked(this));
            }
            return this;
        }

        public boolean isReleased() {
            return released.get();
        }
    }

    private static final class ReleaseLeaked implements Runnable {
        private final Slot slot;

        ReleaseLeaked(Slot slot) {
            this.slot = slot;
        }

        @Override
        public void run() {
            Slot s = slot;
            if (s.released.compareAndSet(false, true)) {
                s.cap.permits.release();
                s.cap.releasedByCleaner.incrementAndGet();
            }
        }
    }

    /** One daemon thread for all caps, created only when the first slot is bound to an owner. */
    private static final class Cleaners {
        static final Cleaner SHARED = Cleaner.create(runnable -> {
            Thread t = new Thread(runnable, "lifeline-connection-cap-cleaner");
            t.setDaemon(true);
            return t;
        });
    }
}

package dev.lifeline.limit;

import java.lang.ref.Cleaner;
import java.sql.Connection;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Caps the connections one database target may have open at once, so that a burst queues here
 * instead of being refused by the server or a pooler (incident 5: Supavisor's "max clients
 * reached").
 *
 * <p>Two modes:
 * <ul>
 *   <li><b>adaptive</b> (the default): no cap at all until the target refuses a client for being
 *       at its limit. From then on the cap is the number of connections that were open at that
 *       refusal (multiplicative decrease), and it grows by one after each quiet interval without
 *       a refusal (additive increase), as TCP's congestion window and Netflix's concurrency-limits
 *       do. A healthy application is never throttled;</li>
 *   <li><b>fixed</b>: the cap the user set ({@code lifeline.jdbc.maxConnections}).</li>
 * </ul>
 *
 * <p>Waiters are served in arrival order and wait on a {@link ReentrantLock} condition, which parks
 * only the calling thread (virtual threads unmount instead of pinning a carrier). The uncontended
 * acquire is one atomic increment. A slot is never held by a connection the application leaked:
 * it is freed when its connection becomes unreachable, and, while callers wait, when the driver
 * reports its connection closed.
 */
public final class ConnectionCap {

    /** No limit (adaptive, before any refusal). */
    public static final int UNLIMITED = Integer.MAX_VALUE;
    /** How often a waiter looks again at growth and at connections the driver closed. */
    private static final long RECHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String target;
    private final boolean adaptive;
    private final long growAfterNanos;
    private volatile int limit;
    private volatile long lastChangeNanos = System.nanoTime();
    private final AtomicLong refusals = new AtomicLong();

    private final AtomicInteger inUse = new AtomicInteger();
    private final AtomicInteger peakInUse = new AtomicInteger();
    private final AtomicLong releasedByCleaner = new AtomicLong();
    private final AtomicLong releasedClosed = new AtomicLong();
    private final Set<Slot> watched = ConcurrentHashMap.newKeySet();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private volatile int waiting;

    private ConnectionCap(String target, boolean adaptive, int limit, long growAfterNanos) {
        this.target = Objects.requireNonNull(target, "target");
        this.adaptive = adaptive;
        this.limit = limit;
        this.growAfterNanos = growAfterNanos;
    }

    /** A cap the user set: {@code max} connections at once. */
    public static ConnectionCap fixed(String target, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("connection cap for " + target + " must be at least 1, was " + max);
        }
        return new ConnectionCap(target, false, max, 0);
    }

    /** No cap until a refusal; then learned from it, growing by one per {@code growAfterNanos} without one. */
    public static ConnectionCap adaptive(String target, long growAfterNanos) {
        return new ConnectionCap(target, true, UNLIMITED, Math.max(1, growAfterNanos));
    }

    /**
     * Takes a slot, waiting up to {@code timeoutNanos} behind earlier waiters.
     *
     * @return the slot, or {@code null} when none became free in time
     * @throws InterruptedException if the thread is interrupted (also when it already was)
     */
    public Slot acquire(long timeoutNanos) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (waiting == 0 && tryTake()) {
            return newSlot();
        }
        return acquireQueued(Math.max(0, timeoutNanos));
    }

    private Slot acquireQueued(long timeoutNanos) throws InterruptedException {
        Object me = new Object();
        long deadline = System.nanoTime() + timeoutNanos;
        lock.lockInterruptibly();
        try {
            queue.addLast(me);
            waiting = queue.size();
            for (;;) {
                if (queue.peekFirst() == me && tryTake()) {
                    return newSlot();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    if (releaseClosedConnections() > 0 && queue.peekFirst() == me && tryTake()) {
                        return newSlot();
                    }
                    return null;
                }
                if (freed.awaitNanos(Math.min(left, RECHECK_NANOS)) <= 0) {
                    releaseClosedConnections();
                }
            }
        } finally {
            queue.remove(me);
            waiting = queue.size();
            freed.signalAll(); // the next in line may take what this one did not
            lock.unlock();
        }
    }

    private boolean tryTake() {
        int max = limit;
        if (max == UNLIMITED) {
            inUse.incrementAndGet();
            return true;
        }
        if (adaptive) {
            max = growIfQuiet(max);
        }
        for (;;) {
            int n = inUse.get();
            if (n >= max) {
                return false;
            }
            if (inUse.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Additive increase: one more connection per quiet interval since the last refusal or growth. */
    private int growIfQuiet(int max) {
        long now = System.nanoTime();
        long since = lastChangeNanos;
        if (now - since >= growAfterNanos) {
            lastChangeNanos = now;
            limit = max + 1;
            return max + 1;
        }
        return max;
    }

    private Slot newSlot() {
        int now = inUse.get();
        for (int peak = peakInUse.get(); now > peak; peak = peakInUse.get()) {
            if (peakInUse.compareAndSet(peak, now)) {
                break;
            }
        }
        return new Slot(this);
    }

    /**
     * The target refused a client for being at its limit (53300, a pooler's max clients). In
     * adaptive mode the cap becomes the connections open now, the refused one excluded
     * (multiplicative decrease); a fixed cap stays as the user set it.
     */
    public void refused() {
        refusals.incrementAndGet();
        if (!adaptive) {
            return;
        }
        int open = openConnections();
        limit = Math.max(1, open);
        lastChangeNanos = System.nanoTime();
    }

    private int openConnections() {
        int open = 0;
        for (Slot slot : watched) {
            if (!slot.released.get()) {
                open++;
            }
        }
        return open;
    }

    private void released() {
        inUse.decrementAndGet();
        if (waiting > 0) {
            lock.lock();
            try {
                freed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Frees the slots of connections the driver reports closed although nobody closed them through
     * Lifeline (the server ended a leaked connection, say), so that a leak never becomes a hang.
     * Slots whose connection Lifeline is about to replace are kept.
     */
    private int releaseClosedConnections() {
        int freedSlots = 0;
        for (Slot slot : watched) {
            Connection connection = slot.connection;
            if (connection == null || slot.replacing || slot.released.get()) {
                continue;
            }
            try {
                if (connection.isClosed() && slot.releaseAs(releasedClosed)) {
                    freedSlots++;
                }
            } catch (Exception | LinkageError e) {
                // a driver that cannot answer keeps its slot
            }
        }
        return freedSlots;
    }

    public String target() {
        return target;
    }

    public boolean adaptive() {
        return adaptive;
    }

    /** The current cap: {@link #UNLIMITED} while an adaptive cap has seen no refusal. */
    public int max() {
        return limit;
    }

    public int inUse() {
        return inUse.get();
    }

    /** Threads waiting for a slot. */
    public int waiters() {
        return waiting;
    }

    public int peakInUse() {
        return peakInUse.get();
    }

    /** Refusals for being at the target's client limit seen so far. */
    public long refusals() {
        return refusals.get();
    }

    /** Slots freed because their connection was garbage collected without being closed: leaks. */
    public long releasedByCleaner() {
        return releasedByCleaner.get();
    }

    /** Slots freed because the driver reported their connection closed while nobody had closed it. */
    public long releasedClosed() {
        return releasedClosed.get();
    }

    @Override
    public String toString() {
        return "ConnectionCap{" + target + ", inUse=" + inUse() + "/" + (limit == UNLIMITED ? "unlimited" : limit)
                + (adaptive ? " (adaptive)" : "") + ", waiters=" + waiters() + '}';
    }

    /** One connection's place under the cap. */
    public static final class Slot {

        private final ConnectionCap cap;
        private final AtomicBoolean released = new AtomicBoolean();
        private volatile Cleaner.Cleanable cleanable;
        /** The driver's connection now in this slot (never the application's object: that must stay collectable). */
        private volatile Connection connection;
        private volatile boolean replacing;

        Slot(ConnectionCap cap) {
            this.cap = cap;
        }

        /** Gives the slot back; only the first call has an effect (close() may be called twice). */
        public boolean release() {
            if (!released.compareAndSet(false, true)) {
                return false;
            }
            finish();
            Cleaner.Cleanable registered = cleanable;
            if (registered != null) {
                registered.clean(); // unregister; its action finds the slot released and does nothing
            }
            return true;
        }

        boolean releaseAs(AtomicLong counter) {
            if (!released.compareAndSet(false, true)) {
                return false;
            }
            counter.incrementAndGet();
            finish();
            return true;
        }

        private void finish() {
            cap.watched.remove(this);
            connection = null;
            cap.released();
        }

        /** The slot now holds this driver connection (the first one, or a replacement). */
        public void watch(Connection driverConnection) {
            connection = driverConnection;
            replacing = false;
            if (!released.get()) {
                cap.watched.add(this);
            }
        }

        /** Lifeline is about to replace the connection: its closed state is no sign of a leak. */
        public void replacing(boolean value) {
            replacing = value;
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
            slot.releaseAs(slot.cap.releasedByCleaner);
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

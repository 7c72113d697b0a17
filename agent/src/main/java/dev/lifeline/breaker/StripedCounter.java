package dev.lifeline.breaker;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A count that every thread of the application adds to on its fast path (a pool borrow, an HTTP
 * call), kept in one padded slot per thread stripe so that threads on different cores do not
 * write the same cache line.
 *
 * <p>Not a {@link java.util.concurrent.atomic.LongAdder}: that one moves a thread to another cell
 * only when a compare-and-set fails, and two threads adding every few microseconds to the same
 * cell rarely fail one. They keep sharing it, and its cache line travels between their cores on
 * every add. Here a thread's slot follows from its id, and thread ids are given out in sequence,
 * so the threads of one pool (or any threads started together) land in different slots.
 */
final class StripedCounter {

    /** Longs between two slots: 128 bytes, two cache lines, as the adjacent-line prefetcher pairs them. */
    private static final int SPACING = 16;

    private final AtomicLongArray slots;
    private final int mask;

    StripedCounter() {
        this(Runtime.getRuntime().availableProcessors());
    }

    StripedCounter(int processors) {
        // Four per processor, 8 to 64: more threads than cores run, and fewer of them share a slot.
        int wanted = Math.max(8, Math.min(64, 4 * Math.max(1, processors)));
        int stripes = Integer.highestOneBit(wanted * 2 - 1); // the next power of two
        this.mask = stripes - 1;
        this.slots = new AtomicLongArray((stripes + 1) * SPACING); // slot 0 unused: no neighbour before the first
    }

    @SuppressWarnings("deprecation") // Thread.getId: threadId() needs JDK 19; the agent is built for 11
    void increment() {
        slots.getAndIncrement(slotOf(Thread.currentThread().getId()));
    }

    int slotOf(long threadId) {
        return (((int) threadId & mask) + 1) * SPACING;
    }

    long sum() {
        long total = 0;
        for (int stripe = 0; stripe <= mask; stripe++) {
            total += slots.get((stripe + 1) * SPACING);
        }
        return total;
    }

    int stripes() {
        return mask + 1;
    }
}

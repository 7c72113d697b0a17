package dev.lifeline.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConnectionCapTest {

    private static final long MS = 1_000_000L;

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    @Test
    void grantsUpToMaxThenTimesOutWithNull() throws Exception {
        ConnectionCap cap = ConnectionCap.fixed("db:5432/app", 2);
        assertNotNull(cap.acquire(0));
        assertNotNull(cap.acquire(0));
        long start = System.nanoTime();
        assertNull(cap.acquire(50 * MS));
        assertTrue(System.nanoTime() - start >= 45 * MS, "waited for the timeout");
        assertEquals(2, cap.inUse());
        assertEquals(2, cap.peakInUse());
    }

    @Test
    void releaseIsIdempotent() throws Exception {
        ConnectionCap cap = ConnectionCap.fixed("t", 1);
        ConnectionCap.Slot slot = cap.acquire(0);
        assertTrue(slot.release());
        assertFalse(slot.release());
        assertEquals(0, cap.inUse());
        assertNotNull(cap.acquire(0));
        assertNull(cap.acquire(0), "a double release must not have created a second permit");
    }

    @Test
    void waiterGetsTheSlotAsSoonAsItIsReleased() throws Exception {
        ConnectionCap cap = ConnectionCap.fixed("t", 1);
        ConnectionCap.Slot held = cap.acquire(0);
        List<ConnectionCap.Slot> got = new ArrayList<>();
        Thread waiter = new Thread(() -> {
            try {
                got.add(cap.acquire(TimeUnit.SECONDS.toNanos(10)));
            } catch (InterruptedException e) {
                // fails the assertion below
            }
        });
        waiter.start();
        awaitWaiters(cap, 1);
        held.release();
        waiter.join(5_000);
        assertEquals(1, got.size());
        assertNotNull(got.get(0));
        assertEquals(1, cap.inUse());
    }

    @Test
    void waitersAreServedInArrivalOrder() throws Exception {
        ConnectionCap cap = ConnectionCap.fixed("t", 1);
        ConnectionCap.Slot held = cap.acquire(0);
        List<Integer> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread[] waiters = new Thread[4];
        for (int i = 0; i < waiters.length; i++) {
            int id = i;
            waiters[i] = new Thread(() -> {
                try {
                    ConnectionCap.Slot slot = cap.acquire(TimeUnit.SECONDS.toNanos(10));
                    order.add(id);
                    slot.release();
                } catch (InterruptedException e) {
                    // fails the assertion below
                }
            });
            waiters[i].start();
            awaitWaiters(cap, i + 1); // queue them one after the other
        }
        held.release();
        for (Thread w : waiters) {
            w.join(5_000);
        }
        assertEquals(List.of(0, 1, 2, 3), order);
    }

    @Test
    void interruptedWaiterGetsInterruptedExceptionAndNoSlot() throws Exception {
        ConnectionCap cap = ConnectionCap.fixed("t", 1);
        cap.acquire(0);
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> cap.acquire(TimeUnit.SECONDS.toNanos(10)));
        assertEquals(1, cap.inUse());
        assertEquals(0, cap.waiters());
    }

    @Test
    void neverMoreThanMaxInUseUnderContention() throws Exception {
        ConnectionCap cap = ConnectionCap.fixed("t", 3);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overshoots = new AtomicInteger();
        AtomicInteger timeouts = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        Thread[] threads = new Thread[12];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                try {
                    go.await();
                    for (int i = 0; i < 2_000; i++) {
                        ConnectionCap.Slot slot = cap.acquire(TimeUnit.SECONDS.toNanos(10));
                        if (slot == null) {
                            timeouts.incrementAndGet();
                            continue;
                        }
                        if (inside.incrementAndGet() > 3) {
                            overshoots.incrementAndGet();
                        }
                        inside.decrementAndGet();
                        slot.release();
                    }
                } catch (InterruptedException e) {
                    timeouts.incrementAndGet();
                }
            });
            threads[t].start();
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(0, overshoots.get());
        assertEquals(0, timeouts.get());
        assertEquals(0, cap.inUse());
        assertTrue(cap.peakInUse() <= 3);
    }

    @Test
    void slotOfAConnectionLostWithoutCloseIsFreedWhenItIsCollected() throws Exception {
        ConnectionCap cap = ConnectionCap.fixed("db:5432/app", 1);
        leakOneConnection(cap);
        assertEquals(1, cap.inUse());

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (cap.inUse() != 0 && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(0, cap.inUse());
        assertEquals(1, cap.releasedByCleaner());
        assertNotNull(cap.acquire(0));
    }

    @Test
    void closedConnectionIsNotCountedAsLeakedWhenCollected() throws Exception {
        ConnectionCap cap = ConnectionCap.fixed("t", 1);
        ConnectionCap.Slot slot = cap.acquire(0).releaseWhenUnreachable(new Object());
        assertTrue(slot.release());
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(0, cap.releasedByCleaner());
        assertNotNull(cap.acquire(0));
        assertNull(cap.acquire(0), "cleaner must not free a second permit");
    }

    /** The connection object is only reachable inside this method. */
    private static void leakOneConnection(ConnectionCap cap) throws InterruptedException {
        Object connection = new Object();
        cap.acquire(0).releaseWhenUnreachable(connection);
    }

    private static void awaitWaiters(ConnectionCap cap, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (cap.waiters() < n && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(n, cap.waiters());
    }
}

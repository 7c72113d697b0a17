package dev.lifeline.http;

import dev.lifeline.retry.RetryBudget;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestCapTest {

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor();

    @AfterAll
    static void stopTimer() {
        TIMER.shutdownNow();
    }

    @Test
    void aBlockedCallerGetsTheSlotWhenItIsReleased() throws Exception {
        RequestCap cap = new RequestCap("kv.example:443", "per-host", 1);
        cap.acquire("kv.example:443", 0);
        CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> {
            try {
                cap.acquire("kv.example:443", TimeUnit.SECONDS.toNanos(5));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(50);
        assertFalse(waiter.isDone());
        cap.release();
        waiter.get(5, TimeUnit.SECONDS);
        assertEquals(1, cap.inUse());
        assertEquals(1, cap.peakInUse());
    }

    @Test
    void aCallerThatWaitsTooLongGetsAnIOExceptionNamingHostCapAndWait() throws Exception {
        RequestCap cap = new RequestCap("kv.example:443", "per-host", 2);
        cap.acquire("kv.example:443", 0);
        cap.acquire("kv.example:443", 0);
        CapTimeoutIOException e = assertThrows(CapTimeoutIOException.class,
                () -> cap.acquire("kv.example:443", TimeUnit.MILLISECONDS.toNanos(30)));
        assertTrue(e.getMessage().contains("kv.example:443"), e.getMessage());
        assertTrue(e.getMessage().contains("per-host cap of 2"), e.getMessage());
        assertTrue(e.getMessage().contains("lifeline.http.maxConnectionsPerHost"), e.getMessage());
    }

    @Test
    void asyncWaitersQueueWithoutAThreadAndAreServedInOrder() throws Exception {
        RequestCap cap = new RequestCap("api:80", "per-host", 1);
        assertTrue(cap.acquireAsync("api:80", 0, TIMER).isDone());
        List<CompletableFuture<RequestCap>> waiters = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiters.add(cap.acquireAsync("api:80", TimeUnit.SECONDS.toNanos(5), TIMER));
        }
        assertEquals(3, cap.asyncWaiters());
        for (int i = 0; i < 3; i++) {
            cap.release();
            assertTrue(waiters.get(i).isDone(), "waiter " + i + " served by release " + i);
            for (int j = i + 1; j < 3; j++) {
                assertFalse(waiters.get(j).isDone());
            }
        }
        assertEquals(1, cap.inUse());
        assertEquals(1, cap.peakInUse(), "never more than the cap");
    }

    @Test
    void anAsyncWaiterTimesOutAndItsSlotIsNotLost() throws Exception {
        RequestCap cap = new RequestCap("api:80", "per-host", 1);
        cap.acquire("api:80", 0);
        CompletableFuture<RequestCap> late = cap.acquireAsync("api:80", TimeUnit.MILLISECONDS.toNanos(20), TIMER);
        ExecutionException e = assertThrows(ExecutionException.class, () -> late.get(5, TimeUnit.SECONDS));
        assertInstanceOf(CapTimeoutIOException.class, e.getCause());
        cap.release();
        assertEquals(0, cap.inUse(), "the timed-out waiter does not keep a slot");
        assertTrue(cap.tryAcquire());
    }

    @Test
    void aTargetTakesTheHostSlotThenTheTotalOneAndGivesBothBack() throws Exception {
        RequestCap total = new RequestCap("all hosts", "total", 1);
        HttpTarget a = new HttpTarget("a:80", new RequestCap("a:80", "per-host", 5), total, new RetryBudget(0.2, 3));
        HttpTarget b = new HttpTarget("b:80", new RequestCap("b:80", "per-host", 5), total, new RetryBudget(0.2, 3));
        a.acquire(0);
        CapTimeoutIOException e = assertThrows(CapTimeoutIOException.class, () -> b.acquire(TimeUnit.MILLISECONDS.toNanos(20)));
        assertTrue(e.getMessage().contains("total cap of 1"), e.getMessage());
        assertEquals(0, b.hostCap.inUse(), "the host slot is given back when the total one is not had");
        CompletableFuture<HttpTarget> queued = b.acquireAsync(TimeUnit.SECONDS.toNanos(5), TIMER);
        assertFalse(queued.isDone());
        a.release();
        assertTrue(queued.isDone());
        assertEquals(1, b.hostCap.inUse());
        assertEquals(1, total.inUse());
        b.release();
        assertEquals(0, total.inUse());
    }
}

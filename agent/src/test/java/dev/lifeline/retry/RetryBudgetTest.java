package dev.lifeline.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {

    @Test
    void minConcurrentRetriesAreAlwaysAllowed() {
        RetryBudget budget = new RetryBudget(0.2, 2);
        budget.callStarted();
        assertTrue(budget.tryStartRetry());
        assertTrue(budget.tryStartRetry());
        assertFalse(budget.tryStartRetry());
        assertEquals(2, budget.retriesInFlight());
    }

    @Test
    void retriesScaleWithCallsInFlight() {
        RetryBudget budget = new RetryBudget(0.2, 0);
        for (int i = 0; i < 20; i++) {
            budget.callStarted();
        }
        for (int i = 0; i < 4; i++) {
            assertTrue(budget.tryStartRetry(), "retry " + (i + 1) + " of 4 allowed by 20 * 0.2");
        }
        assertFalse(budget.tryStartRetry());
    }

    @Test
    void finishedRetryFreesItsSlot() {
        RetryBudget budget = new RetryBudget(0, 1);
        assertTrue(budget.tryStartRetry());
        assertFalse(budget.tryStartRetry());
        budget.retryFinished();
        assertTrue(budget.tryStartRetry());
    }

    @Test
    void concurrentRetriesNeverExceedTheBudget() throws Exception {
        RetryBudget budget = new RetryBudget(0.0, 5);
        int threads = 16;
        AtomicInteger peak = new AtomicInteger();
        AtomicInteger overshoots = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 20_000; i++) {
                    if (budget.tryStartRetry()) {
                        int now = budget.retriesInFlight();
                        peak.accumulateAndGet(now, Math::max);
                        if (now > 5) {
                            overshoots.incrementAndGet();
                        }
                        budget.retryFinished();
                    }
                }
            });
            workers[t].start();
        }
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        assertEquals(0, overshoots.get());
        assertEquals(0, budget.retriesInFlight());
        assertTrue(peak.get() <= 5);
    }
}

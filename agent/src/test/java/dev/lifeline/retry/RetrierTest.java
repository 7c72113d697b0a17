package dev.lifeline.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RetrierTest {

    private static final long MS = 1_000_000L;
    private static final FailureClassifier ALWAYS = f -> true;
    private static final FailureClassifier NEVER = f -> false;

    /** A clock that only moves when the retrier waits or an attempt says it took time. */
    private final AtomicLong now = new AtomicLong(1_000 * MS);
    private final List<Long> waits = new ArrayList<>();
    private final Sleeper fakeSleep = nanos -> {
        waits.add(nanos);
        now.addAndGet(nanos);
    };
    private final RecordingListener events = new RecordingListener();

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    private Retrier retrier(int maxAttempts, Duration deadline) {
        RetryPolicy policy = new RetryPolicy(maxAttempts, Duration.ofMillis(100), Duration.ofSeconds(2), deadline);
        // random 0.5: waits are half the ceiling, 50 ms, 100 ms, 200 ms ...
        return new Retrier(policy, events, now::get, fakeSleep, () -> 0.5);
    }

    @Test
    void returnsTheFirstResultWithoutRetryingOrReporting() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        String result = retrier(3, Duration.ofSeconds(30)).call("t", null, ALWAYS, n -> {
            attempts.incrementAndGet();
            return "ok";
        });
        assertEquals("ok", result);
        assertEquals(1, attempts.get());
        assertTrue(waits.isEmpty());
        assertTrue(events.log.isEmpty());
    }

    @Test
    void retriesUntilSuccessWithGrowingJitteredWaits() throws Exception {
        String result = retrier(5, Duration.ofSeconds(30)).call("db:5432/app", null, ALWAYS, n -> {
            if (n < 3) {
                throw new SQLException("refused", "08001");
            }
            return "connected on " + n;
        });
        assertEquals("connected on 3", result);
        assertEquals(List.of(50 * MS, 100 * MS), waits);
        assertEquals(List.of("retry db:5432/app #2 wait 50", "retry db:5432/app #3 wait 100",
                "success db:5432/app after 3 in 150"), events.log);
    }

    @Test
    void givesUpAfterMaxAttemptsWithTheLastExceptionObject() {
        List<SQLException> thrown = new ArrayList<>();
        Retrier retrier = retrier(3, Duration.ofSeconds(30));
        SQLException seen = assertThrows(SQLException.class, () -> retrier.call("db:5432/app", null, ALWAYS, n -> {
            SQLException e = new SQLException("sorry, too many clients already", "53300", n);
            thrown.add(e);
            throw e;
        }));
        assertEquals(3, thrown.size());
        assertSame(thrown.get(2), seen);
        assertEquals("53300", seen.getSQLState());
        assertEquals(3, seen.getErrorCode());
        Throwable[] suppressed = seen.getSuppressed();
        RetrySummary summary = assertInstanceOf(RetrySummary.class, suppressed[0]);
        assertEquals("attempts exhausted (3 of 3)", summary.reason());
        assertEquals(3, summary.attempts());
        assertSame(thrown.get(0), suppressed[1]);
        assertSame(thrown.get(1), suppressed[2]);
        assertEquals("give-up db:5432/app after 3: attempts exhausted (3 of 3)", events.last());
    }

    @Test
    void notRetryableFailurePassesThroughAfterOneAttemptUntouched() {
        AtomicInteger attempts = new AtomicInteger();
        SQLException auth = new SQLException("password authentication failed for user \"app\"", "28P01");
        SQLException seen = assertThrows(SQLException.class, () -> retrier(5, Duration.ofSeconds(30))
                .call("t", null, NEVER, n -> {
                    attempts.incrementAndGet();
                    throw auth;
                }));
        assertSame(auth, seen);
        assertEquals(1, attempts.get());
        assertEquals(0, seen.getSuppressed().length);
        assertEquals("give-up t after 1: not retryable", events.last());
    }

    @Test
    void stopsOnTheFirstNotRetryableFailureAfterRetries() {
        AtomicInteger attempts = new AtomicInteger();
        FailureClassifier onlyRefused = f -> "08001".equals(((SQLException) f).getSQLState());
        SQLException seen = assertThrows(SQLException.class, () -> retrier(5, Duration.ofSeconds(30))
                .call("t", null, onlyRefused, n -> {
                    attempts.incrementAndGet();
                    throw new SQLException("x", n == 1 ? "08001" : "3D000");
                }));
        assertEquals(2, attempts.get());
        assertEquals("3D000", seen.getSQLState());
        assertEquals("not retryable", ((RetrySummary) seen.getSuppressed()[0]).reason());
    }

    @Test
    void doesNotStartAWaitThatWouldEndPastTheDeadline() {
        AtomicInteger attempts = new AtomicInteger();
        // waits 50, 100, 200 ms; each attempt takes 100 ms. After attempt 3 (t=450) a 200 ms wait ends at 650 > 500.
        IOException seen = assertThrows(IOException.class, () -> retrier(10, Duration.ofMillis(500))
                .call("h:443", null, ALWAYS, n -> {
                    attempts.incrementAndGet();
                    now.addAndGet(100 * MS);
                    throw new IOException("Connection reset " + n);
                }));
        assertEquals(3, attempts.get());
        assertEquals("Connection reset 3", seen.getMessage());
        assertEquals(List.of(50 * MS, 100 * MS), waits);
        RetrySummary summary = (RetrySummary) seen.getSuppressed()[0];
        assertEquals("retry deadline 500ms reached", summary.reason());
        assertEquals(450 * MS, summary.elapsedNanos());
    }

    @Test
    void deniedBudgetGivesUpAtOnceWithTheOriginalError() {
        RetryBudget budget = new RetryBudget(0, 0);
        AtomicInteger attempts = new AtomicInteger();
        SQLException refused = new SQLException("refused", "08001");
        SQLException seen = assertThrows(SQLException.class, () -> retrier(5, Duration.ofSeconds(30))
                .call("t", budget, ALWAYS, n -> {
                    attempts.incrementAndGet();
                    throw refused;
                }));
        assertSame(refused, seen);
        assertEquals(1, attempts.get());
        assertTrue(waits.isEmpty());
        assertEquals("retry budget exhausted", ((RetrySummary) seen.getSuppressed()[0]).reason());
        assertEquals(0, budget.callsInFlight());
        assertEquals(0, budget.retriesInFlight());
    }

    @Test
    void budgetCountsTheRetryFromWaitUntilTheRetriedAttemptEnds() throws Exception {
        RetryBudget budget = new RetryBudget(0, 1);
        List<String> observed = new ArrayList<>();
        Sleeper observingSleep = nanos -> observed.add("wait: retries=" + budget.retriesInFlight());
        Retrier retrier = new Retrier(new RetryPolicy(3, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(1)),
                null, now::get, observingSleep, () -> 0.5);
        String result = retrier.call("t", budget, ALWAYS, n -> {
            observed.add("attempt " + n + ": calls=" + budget.callsInFlight() + " retries=" + budget.retriesInFlight());
            if (n == 1) {
                throw new IOException("reset");
            }
            return "ok";
        });
        assertEquals("ok", result);
        assertEquals(List.of("attempt 1: calls=1 retries=0", "wait: retries=1", "attempt 2: calls=1 retries=1"),
                observed);
        assertEquals(0, budget.callsInFlight());
        assertEquals(0, budget.retriesInFlight());
    }

    @Test
    void aCallThatRanItsFirstAttemptItselfKeepsItsStartForTheDeadlineAndItsOwnBudgetCount() {
        RetryBudget budget = new RetryBudget(0, 1);
        long callStart = now.get();
        budget.callStarted(); // the caller's: its first attempt ran outside the loop, and took 400 ms
        now.addAndGet(400 * MS);
        AtomicInteger attempts = new AtomicInteger();
        // Waits 50, then 100 ms: the second would end at 550 ms after the call's start, past the 500 ms deadline.
        IOException seen = assertThrows(IOException.class, () -> retrier(10, Duration.ofMillis(500))
                .continueAfterFirstFailure("h:443", budget, ALWAYS, new IOException("Connection reset 1"), callStart,
                        n -> {
                            assertEquals(1, budget.callsInFlight(), "the loop must not count the call again");
                            attempts.incrementAndGet();
                            throw new IOException("Connection reset " + n);
                        }));
        assertEquals(1, attempts.get(), "attempt 2 only: attempt 1 was the caller's");
        assertEquals("Connection reset 2", seen.getMessage());
        RetrySummary summary = (RetrySummary) seen.getSuppressed()[0];
        assertEquals(2, summary.attempts());
        assertEquals(450 * MS, summary.elapsedNanos());
        assertEquals(1, budget.callsInFlight(), "the caller ends the call it started");
        assertEquals(0, budget.retriesInFlight());
    }

    @Test
    void budgetIsReturnedWhenRetriesAreExhausted() {
        RetryBudget budget = new RetryBudget(0, 1);
        assertThrows(IOException.class, () -> retrier(4, Duration.ofSeconds(30)).call("t", budget, ALWAYS, n -> {
            throw new IOException("reset");
        }));
        assertEquals(4, waits.size() + 1);
        assertEquals(0, budget.callsInFlight());
        assertEquals(0, budget.retriesInFlight());
    }

    @Test
    void interruptDuringBackoffGivesUpAndRestoresTheFlag() {
        RetryBudget budget = new RetryBudget(0, 1);
        Sleeper interrupted = nanos -> {
            throw new InterruptedException();
        };
        Retrier retrier = new Retrier(new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(1),
                Duration.ofSeconds(30)), events, now::get, interrupted, () -> 0.5);
        AtomicInteger attempts = new AtomicInteger();
        SQLException seen = assertThrows(SQLException.class, () -> retrier.call("t", budget, ALWAYS, n -> {
            attempts.incrementAndGet();
            throw new SQLException("refused", "08001");
        }));
        assertTrue(Thread.interrupted(), "interrupt flag restored");
        assertEquals(1, attempts.get());
        assertEquals("interrupted", ((RetrySummary) seen.getSuppressed()[0]).reason());
        assertEquals(0, budget.retriesInFlight());
    }

    @Test
    void realSleeperStopsWaitingWhenTheThreadIsInterrupted() {
        Retrier retrier = new Retrier(new RetryPolicy(5, Duration.ofSeconds(60), Duration.ofSeconds(60),
                Duration.ofMinutes(10)), RetryListener.NONE, System::nanoTime, Sleeper.PARKING, () -> 0.99);
        AtomicInteger attempts = new AtomicInteger();
        Thread.currentThread().interrupt();
        long start = System.nanoTime();
        assertThrows(IOException.class, () -> retrier.call("t", null, ALWAYS, n -> {
            attempts.incrementAndGet();
            throw new IOException("refused");
        }));
        assertTrue(System.nanoTime() - start < 5_000 * MS, "did not wait out the 60 s backoff");
        assertTrue(Thread.interrupted());
        assertEquals(1, attempts.get());
    }

    @Test
    void realSleeperWaitsAboutTheBackoff() throws Exception {
        Retrier retrier = new Retrier(new RetryPolicy(2, Duration.ofMillis(40), Duration.ofMillis(40),
                Duration.ofSeconds(10)), RetryListener.NONE, System::nanoTime, Sleeper.PARKING, () -> 0.99);
        long[] started = new long[3];
        retrier.call("t", null, ALWAYS, n -> {
            started[n] = System.nanoTime();
            if (n == 1) {
                throw new IOException("reset");
            }
            return null;
        });
        assertTrue(started[2] - started[1] >= 39 * MS, "waited " + (started[2] - started[1]) / MS + " ms");
    }

    @Test
    void aBackoffWaitEndsWhenAnotherCallToTheSameTargetSucceeds() throws Exception {
        // A 60 s backoff (random 0.99 of 60 s): only the wake-up can end it within the test.
        Retrier retrier = new Retrier(new RetryPolicy(3, Duration.ofSeconds(60), Duration.ofSeconds(60),
                Duration.ofMinutes(10)), RetryListener.NONE, System::nanoTime, Sleeper.PARKING, () -> 0.99);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            AtomicInteger attempts = new AtomicInteger();
            Future<String> waiting = pool.submit(() -> retrier.call("db:5432/app", null, ALWAYS, n -> {
                attempts.incrementAndGet();
                if (n == 1) {
                    throw new IOException("refused");
                }
                return "attempt " + n;
            }));
            while (attempts.get() == 0) {
                Thread.sleep(5);
            }
            // Successes on another target wake nobody.
            for (int i = 0; i < 20; i++) {
                retrier.call("other:5432/app", null, ALWAYS, n -> "ok");
                Thread.sleep(10);
            }
            assertFalse(waiting.isDone(), "still in its backoff: another target's success is no news");
            assertEquals(1, attempts.get());
            // The same target answers another caller: the waiting call retries now, not in 59 s.
            long start = System.nanoTime();
            while (!waiting.isDone() && System.nanoTime() - start < 20_000 * MS) {
                retrier.call("db:5432/app", null, ALWAYS, n -> "ok");
                Thread.sleep(10);
            }
            assertEquals("attempt 2", waiting.get(1, TimeUnit.SECONDS));
            assertEquals(2, attempts.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void unlimitedAttemptsAreBoundedByTheDeadline() {
        Retrier retrier = new Retrier(new RetryPolicy(Integer.MAX_VALUE, Duration.ofMillis(10), Duration.ofMillis(10),
                Duration.ofSeconds(1)), events, now::get, fakeSleep, () -> 0.5);
        AtomicInteger attempts = new AtomicInteger();
        IOException seen = assertThrows(IOException.class, () -> retrier.call("t", null, ALWAYS, n -> {
            attempts.incrementAndGet();
            throw new IOException("refused");
        }));
        assertEquals(201, attempts.get()); // 200 waits of 5 ms fill the 1 s deadline exactly
        // The summary, then the first and the latest few of 200 earlier failures, not all of them.
        assertEquals(1 + Retrier.KEPT_FAILURES, seen.getSuppressed().length);
    }

    @Test
    void errorsAreNeverRetriedNorDecorated() {
        AtomicInteger attempts = new AtomicInteger();
        AssertionError bug = new AssertionError("bug");
        AssertionError seen = assertThrows(AssertionError.class, () -> retrier(5, Duration.ofSeconds(30))
                .call("t", null, ALWAYS, n -> {
                    attempts.incrementAndGet();
                    throw bug;
                }));
        assertSame(bug, seen);
        assertEquals(1, attempts.get());
        assertEquals(0, seen.getSuppressed().length);
    }

    @Test
    void brokenClassifierOrListenerDoesNotChangeWhatTheApplicationSees() {
        RetryListener throwing = new RetryListener() {
            @Override
            public void onGiveUp(String target, int attempts, long elapsedNanos, Throwable last, String reason) {
                throw new IllegalStateException("listener bug");
            }
        };
        Retrier retrier = new Retrier(new RetryPolicy(3, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(1)),
                throwing, now::get, fakeSleep, () -> 0.5);
        SQLException refused = new SQLException("refused", "08001");
        SQLException seen = assertThrows(SQLException.class, () -> retrier.call("t", null, f -> {
            throw new IllegalStateException("classifier bug");
        }, n -> {
            throw refused;
        }));
        assertSame(refused, seen);
        assertEquals(0, seen.getSuppressed().length);
    }

    @Test
    void checkedExceptionsKeepTheirType() {
        class VendorException extends Exception {
        }
        VendorException vendor = new VendorException();
        Exception seen = assertThrows(Exception.class, () -> retrier(2, Duration.ofSeconds(1))
                .call("t", null, ALWAYS, n -> {
                    throw vendor;
                }));
        assertSame(vendor, seen);
        assertFalse(seen.getSuppressed().length == 0);
    }

    private static final class RecordingListener implements RetryListener {
        final List<String> log = new ArrayList<>();

        @Override
        public void onRetry(String target, int attempt, long waitNanos, Throwable cause) {
            log.add("retry " + target + " #" + attempt + " wait " + waitNanos / MS);
        }

        @Override
        public void onGiveUp(String target, int attempts, long elapsedNanos, Throwable last, String reason) {
            log.add("give-up " + target + " after " + attempts + ": " + reason);
        }

        @Override
        public void onSuccessAfterRetry(String target, int attempts, long elapsedNanos) {
            log.add("success " + target + " after " + attempts + " in " + elapsedNanos / MS);
        }

        String last() {
            return log.get(log.size() - 1);
        }
    }
}

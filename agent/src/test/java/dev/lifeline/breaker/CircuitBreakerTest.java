package dev.lifeline.breaker;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CircuitBreakerTest {

    private static final String TARGET = "db.example.com:5432/app";
    private static final long WALL_START = 1_750_000_000_000L; // 2025-06-15T15:06:40Z

    private long nanos = 123_456_789_000L;
    private final List<String> transitions = new ArrayList<>();

    private CircuitBreaker breaker(double ratio, int minimumCalls, int probes) {
        BreakerConfig config = BreakerConfig.of(ratio, minimumCalls, Duration.ofSeconds(10), Duration.ofSeconds(30), probes);
        long startNanos = nanos;
        return new CircuitBreaker(TARGET, config, (b, from, to) -> transitions.add(from + "->" + to),
                () -> nanos, () -> WALL_START + TimeUnit.NANOSECONDS.toMillis(nanos - startNanos));
    }

    private void advance(Duration d) {
        nanos += d.toNanos();
    }

    private static void calls(CircuitBreaker breaker, int successes, int failures) {
        for (int i = 0; i < successes; i++) {
            assertTrue(breaker.tryAcquirePermission());
            breaker.onSuccess();
        }
        for (int i = 0; i < failures; i++) {
            assertTrue(breaker.tryAcquirePermission());
            breaker.onFailure();
        }
    }

    @Test
    void staysClosedWhileFewerThanTheMinimumCallsWereMadeEvenIfAllFailed() {
        CircuitBreaker breaker = breaker(0.5, 10, 1);
        calls(breaker, 0, 9);
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
        assertTrue(breaker.tryAcquirePermission());
    }

    @Test
    void opensWhenTheFailureRatioIsReachedAndFailsFastUntilTheOpenDurationEnds() {
        CircuitBreaker breaker = breaker(0.5, 10, 1);
        calls(breaker, 5, 4);
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state(), "4 of 9 failed: below the minimum calls");
        calls(breaker, 0, 1);
        assertEquals(CircuitBreaker.State.OPEN, breaker.state(), "5 of 10 failed: ratio 0.5 reached");
        assertEquals(List.of("CLOSED->OPEN"), transitions);
        assertFalse(breaker.tryAcquirePermission());
        advance(Duration.ofSeconds(29));
        assertFalse(breaker.tryAcquirePermission(), "still inside the 30s open duration");
        assertEquals(WALL_START + 30_000, breaker.openUntilEpochMillis());
    }

    @Test
    void theRejectionMessageNamesTheTargetAndUntilWhen() {
        CircuitBreaker breaker = breaker(0.5, 2, 1);
        calls(breaker, 0, 2);
        String message = breaker.rejectionMessage();
        assertTrue(message.startsWith("lifeline: circuit breaker open for db.example.com:5432/app until 2025-06-15T15:07:10Z"), message);
        assertTrue(message.contains("2 of 2 calls failed within 10s"), message);
        assertTrue(message.contains("lifeline.breaker.openDuration=30s"), message);
    }

    @Test
    void afterTheOpenDurationLetsExactlyTheProbesThroughAndClosesWhenAllSucceed() {
        CircuitBreaker breaker = breaker(0.5, 2, 2);
        calls(breaker, 0, 2);
        advance(Duration.ofSeconds(30));
        assertTrue(breaker.tryAcquirePermission());
        assertEquals(CircuitBreaker.State.HALF_OPEN, breaker.state());
        assertTrue(breaker.tryAcquirePermission());
        assertFalse(breaker.tryAcquirePermission(), "only two probes");
        assertTrue(breaker.rejectionMessage().contains("half-open"), breaker.rejectionMessage());
        breaker.onSuccess();
        assertEquals(CircuitBreaker.State.HALF_OPEN, breaker.state());
        breaker.onSuccess();
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
        assertEquals(List.of("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED"), transitions);
    }

    @Test
    void closingStartsWithAnEmptyWindowSoEarlierFailuresDoNotReopenIt() {
        CircuitBreaker breaker = breaker(0.5, 4, 1);
        calls(breaker, 0, 4);
        advance(Duration.ofSeconds(30));
        calls(breaker, 1, 0); // the probe closes it
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
        calls(breaker, 2, 1);
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state(), "1 of 3 in the new window, below the minimum of 4");
    }

    @Test
    void aFailedProbeOpensItAgainForAnotherOpenDuration() {
        CircuitBreaker breaker = breaker(0.5, 2, 1);
        calls(breaker, 0, 2);
        advance(Duration.ofSeconds(30));
        assertTrue(breaker.tryAcquirePermission());
        breaker.onFailure();
        assertEquals(CircuitBreaker.State.OPEN, breaker.state());
        assertTrue(breaker.rejectionMessage().contains("a half-open probe call failed"), breaker.rejectionMessage());
        advance(Duration.ofSeconds(29));
        assertFalse(breaker.tryAcquirePermission());
        advance(Duration.ofSeconds(1));
        assertTrue(breaker.tryAcquirePermission());
    }

    @Test
    void failuresOlderThanTheWindowNoLongerCount() {
        CircuitBreaker breaker = breaker(0.5, 4, 1);
        calls(breaker, 0, 3);
        advance(Duration.ofSeconds(11));
        calls(breaker, 3, 1);
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state(), "only 1 of the last 4 calls failed within 10s");
        calls(breaker, 0, 2);
        assertEquals(CircuitBreaker.State.OPEN, breaker.state(), "3 of 6 within 10s");
    }

    @Test
    void probesThatNeverReportArePresumedLostAfterAnotherOpenDuration() {
        CircuitBreaker breaker = breaker(0.5, 2, 1);
        calls(breaker, 0, 2);
        advance(Duration.ofSeconds(30));
        assertTrue(breaker.tryAcquirePermission()); // this probe's caller never reports
        advance(Duration.ofSeconds(10));
        assertFalse(breaker.tryAcquirePermission());
        advance(Duration.ofSeconds(20));
        assertTrue(breaker.tryAcquirePermission(), "a new probe after the lost one");
        breaker.onSuccess();
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
    }

    @Test
    void aCallPermittedBeforeTheBreakerOpenedChangesNothingWhenItReportsLate() {
        CircuitBreaker breaker = breaker(1.0, 2, 1);
        assertTrue(breaker.tryAcquirePermission()); // slow call in flight
        calls(breaker, 0, 2);
        assertEquals(CircuitBreaker.State.OPEN, breaker.state());
        breaker.onSuccess();
        breaker.onFailure();
        assertEquals(CircuitBreaker.State.OPEN, breaker.state());
        assertEquals(List.of("CLOSED->OPEN"), transitions);
    }

    private static void untimedSuccesses(CircuitBreaker breaker, int successes) {
        for (int i = 0; i < successes; i++) {
            assertTrue(breaker.tryAcquirePermission());
            breaker.onSuccessUntimed();
        }
    }

    @Test
    void untimedSuccessesCountInTheWindowAsTimedOnesDo() {
        CircuitBreaker breaker = breaker(0.5, 4, 1);
        untimedSuccesses(breaker, 4);
        breaker.tick(nanos);
        calls(breaker, 0, 3);
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state(), "3 of 7 failed");
        calls(breaker, 0, 1);
        assertEquals(CircuitBreaker.State.OPEN, breaker.state(), "4 of 8 failed");
        assertEquals(4, breaker.untimedSuccesses());
    }

    @Test
    void untimedSuccessesWithNoTickArePlacedByTheNextFailure() {
        CircuitBreaker breaker = breaker(0.5, 4, 1);
        untimedSuccesses(breaker, 4);
        calls(breaker, 0, 3);
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state(), "3 of 7 failed: the 4 successes were counted");
    }

    @Test
    void untimedSuccessesTickedMoreThanAWindowAgoNoLongerCount() {
        CircuitBreaker breaker = breaker(0.5, 4, 1);
        untimedSuccesses(breaker, 4);
        breaker.tick(nanos);
        advance(Duration.ofSeconds(11));
        breaker.tick(nanos); // nothing new to place
        calls(breaker, 0, 4);
        assertEquals(CircuitBreaker.State.OPEN, breaker.state(), "4 of 4 within 10s: the successes aged out");
    }

    @Test
    void aTickWithinTheSameBucketPlacesNothingNew() {
        CircuitBreaker breaker = breaker(0.5, 4, 1);
        breaker.tick(nanos);
        untimedSuccesses(breaker, 4);
        breaker.tick(nanos + 1); // same bucket: these wait for a later tick or a failure
        advance(Duration.ofSeconds(11));
        calls(breaker, 0, 3);
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state(),
                "placed by the failure, late: a success counted late only keeps the breaker closed longer");
    }

    @Test
    void untimedProbeSuccessesCloseAHalfOpenBreaker() {
        CircuitBreaker breaker = breaker(0.5, 2, 2);
        calls(breaker, 0, 2);
        advance(Duration.ofSeconds(30));
        untimedSuccesses(breaker, 1);
        assertEquals(CircuitBreaker.State.HALF_OPEN, breaker.state());
        untimedSuccesses(breaker, 1);
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
        calls(breaker, 0, 1);
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state(), "a fresh window: the probes' successes are not in it, 1 call");
    }

    @Test
    void aDisabledBreakerNeverOpens() {
        CircuitBreaker breaker = new CircuitBreaker(TARGET, BreakerConfig.DISABLED, null);
        calls(breaker, 0, 1000);
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
    }

    @Test
    void concurrentReportsAreAllCounted() throws InterruptedException {
        CircuitBreaker breaker = breaker(1.0, 40_000, 1);
        Thread[] threads = new Thread[8];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> calls(breaker, 0, 4_999));
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state(), "39,992 of the 40,000 minimum calls");
        calls(breaker, 0, 8);
        assertEquals(CircuitBreaker.State.OPEN, breaker.state(), "exactly the 40,000th call opens it: no lost count");
    }

    @Test
    void invalidSettingsAreRefusedWithTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BreakerConfig.of(1.5, 10, Duration.ofSeconds(10), Duration.ofSeconds(30), 1));
        assertTrue(e.getMessage().contains("1.5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BreakerConfig.of(0.5, 0, Duration.ofSeconds(10), Duration.ofSeconds(30), 1));
        assertThrows(IllegalArgumentException.class, () -> BreakerConfig.of(0.5, 1, Duration.ofMillis(10), Duration.ofSeconds(30), 1));
        assertThrows(IllegalArgumentException.class, () -> BreakerConfig.of(0.5, 1, Duration.ofSeconds(10), Duration.ZERO, 1));
        assertThrows(IllegalArgumentException.class, () -> BreakerConfig.of(0.5, 1, Duration.ofSeconds(10), Duration.ofSeconds(1), 0));
    }
}

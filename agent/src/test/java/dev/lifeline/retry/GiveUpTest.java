package dev.lifeline.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class GiveUpTest {

    @Test
    void keepsTheLastExceptionAndAttachesSummaryThenEarlierAttemptsInOrder() {
        SQLException first = new SQLException("refused", "08001");
        SQLException second = new SQLException("reset", "08006");
        SQLException last = new SQLException("sorry, too many clients already", "53300", 7);

        SQLException thrown = GiveUp.decorate(last, List.of(first, second), "127.0.0.1:5432/app", 3,
                412_000_000L, GiveUp.deadlineReached(Duration.ofSeconds(30)));

        assertSame(last, thrown);
        assertEquals("53300", thrown.getSQLState());
        assertEquals(7, thrown.getErrorCode());
        Throwable[] suppressed = thrown.getSuppressed();
        assertEquals(3, suppressed.length);
        RetrySummary summary = assertInstanceOf(RetrySummary.class, suppressed[0]);
        assertEquals("lifeline gave up on 127.0.0.1:5432/app after 3 attempts in 412 ms: "
                + "retry deadline 30s reached", summary.getMessage());
        assertEquals(0, summary.getStackTrace().length);
        assertSame(first, suppressed[1]);
        assertSame(second, suppressed[2]);
    }

    @Test
    void firstAttemptNotRetryableIsPassedThroughUntouched() {
        SQLException auth = new SQLException("password authentication failed", "28P01");
        SQLException thrown = GiveUp.decorate(auth, List.of(), "db:5432/app", 1, 5, GiveUp.NOT_RETRYABLE);
        assertSame(auth, thrown);
        assertEquals(0, thrown.getSuppressed().length);
    }

    @Test
    void notRetryableAfterRetriesIsStillExplained() {
        SQLException refused = new SQLException("refused", "08001");
        SQLException auth = new SQLException("password authentication failed", "28P01");
        GiveUp.decorate(auth, List.of(refused), "db:5432/app", 2, 5, GiveUp.NOT_RETRYABLE);
        assertEquals(2, auth.getSuppressed().length);
        assertEquals("lifeline gave up on db:5432/app after 2 attempts in 0 ms: not retryable",
                auth.getSuppressed()[0].getMessage());
    }

    @Test
    void neverAddsTheLastExceptionToItselfNorTheSameEarlierOneTwice() {
        // HttpURLConnection rethrows the exception it remembered: every attempt is the same object.
        java.io.IOException remembered = new java.io.IOException("Connection reset");
        java.io.IOException other = new java.io.IOException("refused");
        GiveUp.decorate(remembered, List.of(other, remembered, other), "h:80", 4, 0,
                GiveUp.attemptsExhausted(4, 4));
        Throwable[] suppressed = remembered.getSuppressed();
        assertEquals(2, suppressed.length);
        assertInstanceOf(RetrySummary.class, suppressed[0]);
        assertSame(other, suppressed[1]);
    }

    @Test
    void keepsSuppressedTheExceptionAlreadyHad() {
        SQLException last = new SQLException("reset", "08006");
        IllegalStateException already = new IllegalStateException("close failed");
        last.addSuppressed(already);
        GiveUp.decorate(last, List.of(), "h:1/d", 2, 0, GiveUp.BUDGET_EXHAUSTED);
        assertSame(already, last.getSuppressed()[0]);
        assertInstanceOf(RetrySummary.class, last.getSuppressed()[1]);
    }

    @Test
    void exceptionWithSuppressionDisabledIsReturnedWithoutFailing() {
        RuntimeException noSuppression = new RuntimeException("x", null, false, false) {
        };
        assertSame(noSuppression, GiveUp.decorate(noSuppression, List.of(new RuntimeException()), "t", 2, 0,
                GiveUp.INTERRUPTED));
        assertEquals(0, noSuppression.getSuppressed().length);
    }

    @Test
    void missingEarlierEntriesAreSkipped() {
        RuntimeException last = new RuntimeException("last");
        RuntimeException earlier = new RuntimeException("earlier");
        GiveUp.decorate(last, java.util.Arrays.asList(null, earlier), "t", 3, 0, GiveUp.INTERRUPTED);
        assertEquals(2, last.getSuppressed().length);
        assertSame(earlier, last.getSuppressed()[1]);
    }

    @Test
    void singleAttemptIsSingular() {
        RuntimeException last = new RuntimeException();
        GiveUp.decorate(last, List.of(), "t", 1, 1_999_999, GiveUp.BUDGET_EXHAUSTED);
        assertEquals("lifeline gave up on t after 1 attempt in 1 ms: retry budget exhausted",
                last.getSuppressed()[0].getMessage());
    }

    @Test
    void deadlineIsShownInTheUnitItWasGiven() {
        assertEquals("retry deadline 1500ms reached", GiveUp.deadlineReached(Duration.ofMillis(1500)));
        assertEquals("attempts exhausted (3 of 3)", GiveUp.attemptsExhausted(3, 3));
    }
}

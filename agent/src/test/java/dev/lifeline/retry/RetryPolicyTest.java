package dev.lifeline.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private static final long MS = 1_000_000L;

    // Incident 1's hand-written fix waited 0.1 s then 0.2 s: the ceilings double from there.
    private final RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofMillis(350),
            Duration.ofSeconds(30));

    @Test
    void ceilingDoublesPerRetryUntilMaxBackoff() {
        double almostOne = Math.nextDown(1.0);
        assertEquals(100 * MS, policy.backoffNanos(1, almostOne), 1.0);
        assertEquals(200 * MS, policy.backoffNanos(2, almostOne), 1.0);
        assertEquals(350 * MS, policy.backoffNanos(3, almostOne), 1.0);
        assertEquals(350 * MS, policy.backoffNanos(4, almostOne), 1.0);
    }

    @Test
    void fullJitterSpansFromZeroToTheCeiling() {
        assertEquals(0, policy.backoffNanos(2, 0.0));
        assertEquals(100 * MS, policy.backoffNanos(2, 0.5));
        assertEquals(50 * MS, policy.backoffNanos(1, 0.5));
    }

    @Test
    void hugeRetryNumbersAndDurationsDoNotOverflow() {
        RetryPolicy forever = new RetryPolicy(Integer.MAX_VALUE, Duration.ofSeconds(1),
                Duration.ofDays(365 * 1000L), Duration.ofDays(365 * 1000L));
        for (int retry : new int[] {62, 63, 64, 100, Integer.MAX_VALUE}) {
            long wait = forever.backoffNanos(retry, Math.nextDown(1.0));
            assertTrue(wait > 0, "retry " + retry + " gave " + wait);
        }
        assertEquals(Long.MAX_VALUE, forever.deadlineNanos());
        assertEquals(350 * MS, policy.backoffNanos(Integer.MAX_VALUE, Math.nextDown(1.0)), 1.0);
    }

    @Test
    void randomOutsideUnitIntervalIsClamped() {
        assertEquals(0, policy.backoffNanos(1, -3));
        assertEquals(0, policy.backoffNanos(1, Double.NaN));
        assertEquals(100 * MS, policy.backoffNanos(1, 7.0));
    }

    @Test
    void rejectsValuesThatCannotWork() {
        assertThrows(IllegalArgumentException.class,
                () -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class,
                () -> new RetryPolicy(3, Duration.ofMillis(-1), Duration.ZERO, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class,
                () -> new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class,
                () -> new RetryPolicy(3, Duration.ZERO, Duration.ZERO, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> policy.backoffNanos(0, 0.5));
    }
}

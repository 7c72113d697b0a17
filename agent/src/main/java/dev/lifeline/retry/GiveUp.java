package dev.lifeline.retry;

import java.time.Duration;
import java.util.List;

/**
 * Shapes what the application receives when Lifeline stops retrying. The last attempt's exception
 * object itself is thrown (same class, SQLState, vendor code, server message), so code that
 * catches and inspects it behaves as without the agent; the story of the retries rides along as
 * suppressed exceptions.
 */
public final class GiveUp {

    /** The failure is one waiting cannot fix (or the classifier does not know it). */
    public static final String NOT_RETRYABLE = "not retryable";
    /** The target's {@link RetryBudget} denied the retry: the target is failing for many callers. */
    public static final String BUDGET_EXHAUSTED = "retry budget exhausted";
    /** The thread was interrupted while waiting to retry; its interrupt flag is set again. */
    public static final String INTERRUPTED = "interrupted";

    private GiveUp() {
    }

    /** E.g. "attempts exhausted (3 of 3)". */
    public static String attemptsExhausted(int attempts, int maxAttempts) {
        return "attempts exhausted (" + attempts + " of " + maxAttempts + ")";
    }

    /** E.g. "retry deadline 30s reached". */
    public static String deadlineReached(Duration deadline) {
        return "retry deadline " + shortDuration(deadline) + " reached";
    }

    /**
     * Adds to {@code last}, as suppressed exceptions, a {@link RetrySummary} and then every earlier
     * attempt's exception in order, and returns {@code last}. Adds nothing for a first attempt that
     * was not retryable: the application sees exactly what it would see without the agent. Never
     * throws (fail-open): a throwable that refuses suppression is returned as it is.
     */
    public static <E extends Throwable> E decorate(E last, List<Throwable> earlier, String target,
                                                   int attempts, long elapsedNanos, String reason) {
        if (last == null || (attempts <= 1 && NOT_RETRYABLE.equals(reason))) {
            return last;
        }
        try {
            // addSuppressed is a no-op when suppression is disabled; it throws only on self or null.
            last.addSuppressed(new RetrySummary(target, attempts, elapsedNanos, reason));
            if (earlier != null) {
                for (int i = 0; i < earlier.size(); i++) {
                    Throwable e = earlier.get(i);
                    // Some APIs rethrow one remembered exception per attempt (HttpURLConnection does).
                    if (e != null && e != last && !seenBefore(earlier, i)) {
                        last.addSuppressed(e);
                    }
                }
            }
        } catch (RuntimeException refused) {
            // A subclass overriding addSuppressed: keep the application's exception untouched.
        }
        return last;
    }

    private static boolean seenBefore(List<Throwable> list, int index) {
        Throwable e = list.get(index);
        for (int i = 0; i < index; i++) {
            if (list.get(i) == e) {
                return true;
            }
        }
        return false;
    }

    static String shortDuration(Duration d) {
        long millis = d.toMillis();
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }
}

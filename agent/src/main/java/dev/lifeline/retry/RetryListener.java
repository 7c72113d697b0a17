package dev.lifeline.retry;

/**
 * What happened in one call: every retry decision is an event, so metrics, logs and a future
 * shadow mode observe the same decisions. Implementations must be cheap and must not throw
 * (the {@link Retrier} ignores what they throw: the application's call comes first).
 */
public interface RetryListener {

    /** A retry was decided; {@code attempt} is the number of the attempt about to run after the wait. */
    default void onRetry(String target, int attempt, long waitNanos, Throwable cause) {
    }

    /** The call ends with {@code last} thrown to the application; {@code reason} as in {@link GiveUp}. */
    default void onGiveUp(String target, int attempts, long elapsedNanos, Throwable last, String reason) {
    }

    /** The call succeeded on attempt {@code attempts} (> 1). */
    default void onSuccessAfterRetry(String target, int attempts, long elapsedNanos) {
    }

    RetryListener NONE = new RetryListener() {
    };
}

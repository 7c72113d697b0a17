package dev.lifeline.retry;

/** Decides, per failure, whether another attempt can succeed where this one failed. */
@FunctionalInterface
public interface FailureClassifier {
    boolean isRetryable(Throwable failure);
}

package dev.lifeline.retry;

/** One try of the guarded operation. */
@FunctionalInterface
public interface Attempt<T> {
    /** @param attemptNumber 1 for the first try */
    T run(int attemptNumber) throws Exception;
}

package dev.lifeline.http;

/**
 * A real response whose status is worth another attempt (503, 429, ...), carried through the
 * shared {@link dev.lifeline.retry.Retrier} as a failure. When Lifeline gives up, the application
 * receives the response itself (or, for {@code HttpURLConnection}, the exception the JDK threw for
 * it, with the connection holding that response), never this wrapper.
 */
final class RetryableStatus extends Exception {

    private static final long serialVersionUID = 1L;

    /** The {@code HttpResponse}, or for HttpURLConnection the IOException thrown for the status. */
    final transient Object response;
    final int status;
    /** From {@code Retry-After}, or {@link RetryAfter#ABSENT}. */
    final long retryAfterNanos;
    final long receivedAtNanos;

    RetryableStatus(Object response, int status, long retryAfterNanos, long receivedAtNanos) {
        super("HTTP " + status, null, false, false);
        this.response = response;
        this.status = status;
        this.retryAfterNanos = retryAfterNanos;
        this.receivedAtNanos = receivedAtNanos;
    }

    /** Whether the server's Retry-After still fits in a call that started at {@code callStart}. */
    boolean fitsDeadline(long callStartNanos, long deadlineNanos) {
        return retryAfterNanos == RetryAfter.ABSENT
                || retryAfterNanos <= deadlineNanos - (receivedAtNanos - callStartNanos);
    }

    /** When the next attempt may start at the earliest. */
    long notBeforeNanos() {
        return retryAfterNanos == RetryAfter.ABSENT ? receivedAtNanos : receivedAtNanos + retryAfterNanos;
    }
}

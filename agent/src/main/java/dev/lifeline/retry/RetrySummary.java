package dev.lifeline.retry;

/**
 * Attached as the first suppressed exception of what the application receives when Lifeline gives
 * up: says what was tried without changing the type the application catches. No stack trace (it
 * would only show Lifeline's own frames) and no suppression of its own.
 */
public final class RetrySummary extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String target;
    private final int attempts;
    private final long elapsedNanos;
    private final String reason;

    RetrySummary(String target, int attempts, long elapsedNanos, String reason) {
        super(message(target, attempts, elapsedNanos, reason), null, false, false);
        this.target = target;
        this.attempts = attempts;
        this.elapsedNanos = elapsedNanos;
        this.reason = reason;
    }

    public String target() {
        return target;
    }

    public int attempts() {
        return attempts;
    }

    public long elapsedNanos() {
        return elapsedNanos;
    }

    public String reason() {
        return reason;
    }

    private static String message(String target, int attempts, long elapsedNanos, String reason) {
        return "lifeline gave up on " + target + " after " + attempts
                + (attempts == 1 ? " attempt" : " attempts") + " in "
                + Math.max(0, elapsedNanos) / 1_000_000 + " ms: " + reason;
    }
}

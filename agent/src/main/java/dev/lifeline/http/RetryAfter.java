package dev.lifeline.http;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Reads a {@code Retry-After} header (RFC 9110 10.2.3): either delay-seconds or an HTTP-date.
 * Incident 3's KV API and every rate limiter that answers 429/503 say how long to stay away; a
 * retry sooner than that is wasted and counts against the caller.
 */
final class RetryAfter {

    /** No usable header: the ordinary backoff applies. */
    static final long ABSENT = -1;

    private RetryAfter() {
    }

    /**
     * @param value       the header value, or null
     * @param nowEpochMs  the current wall-clock time, for the HTTP-date form
     * @return the wait in nanoseconds (0 for a date already past), or {@link #ABSENT}
     */
    static long parseNanos(String value, long nowEpochMs) {
        if (value == null) {
            return ABSENT;
        }
        String text = value.trim();
        if (text.isEmpty()) {
            return ABSENT;
        }
        if (allDigits(text)) {
            if (text.length() > 12) {
                return Long.MAX_VALUE; // thousands of years: "never" for any deadline
            }
            long seconds = Long.parseLong(text);
            return seconds * 1_000_000_000L;
        }
        try {
            long when = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
            return Math.max(0, when - nowEpochMs) * 1_000_000L;
        } catch (DateTimeParseException | ArithmeticException e) {
            return ABSENT; // not a form we know: behave as if there were no header
        }
    }

    private static boolean allDigits(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}

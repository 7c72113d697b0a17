package dev.lifeline.http;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RetryAfterTest {

    private static final long NOW = Instant.parse("2025-06-01T12:00:00Z").toEpochMilli();

    @Test
    void readsDelaySeconds() {
        assertEquals(1_000_000_000L, RetryAfter.parseNanos("1", NOW));
        assertEquals(120_000_000_000L, RetryAfter.parseNanos(" 120 ", NOW));
        assertEquals(0, RetryAfter.parseNanos("0", NOW));
    }

    @Test
    void readsAnHttpDateRelativeToNow() {
        String in90s = DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.ofEpochMilli(NOW + 90_000).atZone(ZoneOffset.UTC));
        assertEquals(90_000_000_000L, RetryAfter.parseNanos(in90s, NOW));
        assertEquals(90_000_000_000L, RetryAfter.parseNanos("Sun, 01 Jun 2025 12:01:30 GMT", NOW));
    }

    @Test
    void aDateInThePastMeansNoWait() {
        assertEquals(0, RetryAfter.parseNanos("Sun, 01 Jun 2025 11:00:00 GMT", NOW));
    }

    @Test
    void anAbsentOrUnreadableHeaderFallsBackToTheBackoff() {
        assertEquals(RetryAfter.ABSENT, RetryAfter.parseNanos(null, NOW));
        assertEquals(RetryAfter.ABSENT, RetryAfter.parseNanos("", NOW));
        assertEquals(RetryAfter.ABSENT, RetryAfter.parseNanos("-5", NOW));
        assertEquals(RetryAfter.ABSENT, RetryAfter.parseNanos("1.5", NOW));
        assertEquals(RetryAfter.ABSENT, RetryAfter.parseNanos("soon", NOW));
    }

    @Test
    void anAbsurdlyLongDelayDoesNotOverflow() {
        assertEquals(Long.MAX_VALUE, RetryAfter.parseNanos("99999999999999999999", NOW));
    }
}

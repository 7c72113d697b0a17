package dev.lifeline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SettingParsingTest {

    private static final Setting<Integer> ATTEMPTS =
            Setting.integer("lifeline.test.attempts", 3, 1, 100, "m", null);
    private static final Setting<Duration> BACKOFF =
            Setting.duration("lifeline.test.backoff", "100ms", "0ms", "10m", "m", null);
    private static final Setting<Double> RATIO = Setting.ratio("lifeline.test.ratio", 0.2, "m", null);
    private static final Setting<Boolean> FLAG = Setting.bool("lifeline.test.flag", true, "m", null);
    private static final Setting<List<Integer>> STATUSES =
            Setting.intList("lifeline.test.statuses", "500,502", 100, 599, "m", null);
    private static final Setting<List<String>> METHODS =
            Setting.stringList("lifeline.test.methods", "GET,HEAD", "HTTP methods", "m", null);

    private static String rejection(Setting<?> setting, String raw) {
        return assertThrows(IllegalArgumentException.class, () -> setting.parse(raw)).getMessage();
    }

    @Test
    void integersAreAcceptedWithinBoundsAndTrimmed() {
        assertEquals(1, ATTEMPTS.parse("1"));
        assertEquals(100, ATTEMPTS.parse(" 100 "));
    }

    @Test
    void integersOutsideBoundsOrNotIntegersAreRejectedWithTheAllowedRange() {
        for (String bad : new String[] {"0", "101", "-1", "abc", "3.0", "", "99999999999"}) {
            assertEquals("an integer from 1 to 100", rejection(ATTEMPTS, bad), bad);
        }
    }

    @Test
    void durationsAcceptMillisecondsSecondsMinutesHoursInAnyCase() {
        assertEquals(Duration.ofMillis(250), BACKOFF.parse("250ms"));
        assertEquals(Duration.ofSeconds(5), BACKOFF.parse("5s"));
        assertEquals(Duration.ofSeconds(5), BACKOFF.parse("5S"));
        assertEquals(Duration.ofMinutes(2), BACKOFF.parse("2m"));
        assertEquals(Duration.ofMillis(7), BACKOFF.parse(" 7MS "));
        assertEquals(Duration.ofHours(0), BACKOFF.parse("0h"));
    }

    @Test
    void durationsAcceptZeroWithoutUnitAndIso8601() {
        assertEquals(Duration.ZERO, BACKOFF.parse("0"));
        assertEquals(Duration.ZERO, BACKOFF.parse("0ms"));
        assertEquals(Duration.ofSeconds(5), BACKOFF.parse("PT5S"));
        assertEquals(Duration.ofMillis(1500), BACKOFF.parse("pt1.5s"));
    }

    @Test
    void durationsWithoutUnitAreRejectedAsAmbiguous() {
        assertEquals("a duration such as 250ms, 5s or 2m, from 0ms to 10m (a number without a unit is ambiguous)",
                rejection(BACKOFF, "5"));
    }

    @Test
    void durationsOutOfBoundsOrMalformedAreRejected() {
        String allowed = "a duration such as 250ms, 5s or 2m, from 0ms to 10m";
        for (String bad : new String[] {"11m", "1h", "-5s", "PT-1S", "5 sec", "5d", "abc", "", "P", "1.5s",
                "99999999999999999999h"}) {
            assertEquals(allowed, rejection(BACKOFF, bad), bad);
        }
        assertEquals(Duration.ofMinutes(10), BACKOFF.parse("10m"));
        assertEquals(Duration.ofMinutes(10), BACKOFF.parse("600000ms"));
    }

    @Test
    void decimalsAreAcceptedWithinBoundsOnlyInPlainNotation() {
        assertEquals(0.0, RATIO.parse("0"));
        assertEquals(0.5, RATIO.parse(".5"));
        assertEquals(1.0, RATIO.parse("1.0"));
        for (String bad : new String[] {"1.01", "-0.1", "NaN", "Infinity", "0.5d", "0x1p-1", "abc", ""}) {
            assertEquals("a number from 0.0 to 1.0", rejection(RATIO, bad), bad);
        }
    }

    @Test
    void booleansAreOnlyTrueOrFalse() {
        assertTrue(FLAG.parse("true"));
        assertTrue(FLAG.parse("TRUE"));
        assertFalse(FLAG.parse(" false "));
        for (String bad : new String[] {"yes", "1", "on", "", "t"}) {
            assertEquals("true or false", rejection(FLAG, bad), bad);
        }
    }

    @Test
    void listsAreCommaSeparatedAndTrimmedAndMayBeEmpty() {
        assertEquals(List.of(500, 502, 429), STATUSES.parse(" 500, 502 ,429"));
        assertEquals(List.of(), STATUSES.parse(""));
        assertEquals(List.of("GET", "PUT"), METHODS.parse("GET , PUT"));
        assertEquals(List.of(), METHODS.parse("  "));
    }

    @Test
    void listItemsOutOfBoundsOrEmptyAreRejected() {
        assertEquals("a comma-separated list of integers from 100 to 599", rejection(STATUSES, "500,600"));
        assertEquals("a comma-separated list of integers from 100 to 599", rejection(STATUSES, "500,abc"));
        assertEquals("a comma-separated list of integers from 100 to 599 (an item is empty)",
                rejection(STATUSES, "500,,502"));
        assertEquals("a comma-separated list of HTTP methods (an item is empty)", rejection(METHODS, "GET,"));
    }

    @Test
    void rejectionMessagesNeverEchoTheValue() {
        assertFalse(rejection(ATTEMPTS, "hunter2").contains("hunter2"));
        assertFalse(rejection(BACKOFF, "hunter2").contains("hunter2"));
    }

    @Test
    void defaultTextIsWrittenAsAUserWouldWriteIt() {
        assertEquals("100ms", Settings.RETRY_INITIAL_BACKOFF.defaultText());
        assertEquals("30m", Settings.JDBC_MAX_LIFETIME.defaultText());
        assertEquals("0.2", Settings.RETRY_BUDGET_RATIO.defaultText());
        assertEquals("true", Settings.ENABLED.defaultText());
        assertEquals("3", Settings.RETRY_MAX_ATTEMPTS.defaultText());
        assertEquals("500,502", STATUSES.defaultText());
        assertEquals(List.of(500, 502), STATUSES.defaultValue());
    }

    @Test
    void allowedTextDescribesTypeAndBounds() {
        assertEquals("an integer from 1 to 100", Settings.RETRY_MAX_ATTEMPTS.allowed());
        assertEquals("a duration such as 250ms, 5s or 2m, from 1ms to 10m", Settings.RETRY_MAX_BACKOFF.allowed());
        assertEquals("a number from 0.0 to 1.0", Settings.RETRY_BUDGET_RATIO.allowed());
        assertEquals("true or false", Settings.STRICT.allowed());
    }

    @Test
    void envNameIsUpperSnakeOfEachCamelCaseSegment() {
        assertEquals("LIFELINE_RETRY_MAX_ATTEMPTS", Settings.RETRY_MAX_ATTEMPTS.envName());
        assertEquals("LIFELINE_RETRY_BUDGET_MIN_CONCURRENT", Settings.RETRY_BUDGET_MIN_CONCURRENT.envName());
        assertEquals("LIFELINE_JDBC_KEEPALIVE", Settings.JDBC_KEEPALIVE.envName());
        assertEquals("LIFELINE_CONFIG", Settings.CONFIG_FILE.envName());
        assertEquals("LIFELINE_HTTP_RETRY_ON_STATUS", Setting.envNameOf("lifeline.http.retryOnStatus"));
        assertEquals("LIFELINE_ADMIN_HTTP2_PORT", Setting.envNameOf("lifeline.admin.http2Port"));
    }

    @Test
    void keysNamingPasswordsTokensSecretsOrApiKeysAreSecret() {
        assertTrue(Setting.isSecretKey("lifeline.admin.password"));
        assertTrue(Setting.isSecretKey("lifeline.http.authToken"));
        assertTrue(Setting.isSecretKey("lifeline.vault.clientSecret"));
        assertTrue(Setting.isSecretKey("lifeline.metrics.apiKey"));
        assertFalse(Setting.isSecretKey("lifeline.jdbc.keepalive"));
        assertFalse(Setting.isSecretKey("lifeline.retry.maxAttempts"));
        assertEquals("'***'", Setting.quoted("lifeline.metrics.apiKey", "abc"));
        assertEquals("'abc'", Setting.quoted("lifeline.retry.maxAttempts", "abc"));
    }

    @Test
    void aDefaultOutsideItsOwnBoundsFailsWhenTheSettingIsDeclared() {
        assertThrows(IllegalStateException.class,
                () -> Setting.integer("lifeline.test.bad", 0, 1, 10, "m", null));
        assertThrows(IllegalStateException.class,
                () -> Setting.duration("lifeline.test.bad", "5", "1ms", "1s", "m", null));
    }

    @Test
    void keysMustCarryTheLifelinePrefix() {
        assertThrows(IllegalArgumentException.class, () -> Setting.bool("retry.enabled", true, "m", null));
    }

    @Test
    void incidentIsADashWhenThereIsNone() {
        assertEquals("-", FLAG.incident());
        assertEquals("1 (3 attempts)", Settings.RETRY_MAX_ATTEMPTS.incident());
    }
}

package dev.lifeline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NearestKeyTest {

    private static final List<String> KEYS = List.of("lifeline.retry.maxAttempts", "lifeline.retry.maxBackoff",
            "lifeline.retry.deadline", "lifeline.jdbc.keepalive");

    @Test
    void distanceCountsInsertionsDeletionsAndSubstitutions() {
        assertEquals(0, NearestKey.distance("abc", "abc"));
        assertEquals(3, NearestKey.distance("kitten", "sitting"));
        assertEquals(3, NearestKey.distance("", "abc"));
    }

    @Test
    void suggestsTheClosestKeyForATypo() {
        assertEquals(Optional.of("lifeline.retry.maxAttempts"), NearestKey.among("lifeline.retry.maxAtempts", KEYS));
        assertEquals(Optional.of("lifeline.retry.maxAttempts"), NearestKey.among("lifeline.retry.attempts", KEYS));
        assertEquals(Optional.of("lifeline.jdbc.keepalive"), NearestKey.among("lifeline.jdbc.keepAlive", KEYS));
    }

    @Test
    void suggestsNothingWhenNoKeyIsClose() {
        assertEquals(Optional.empty(), NearestKey.among("lifeline.http.proxy", KEYS));
        assertEquals(Optional.empty(), NearestKey.among("lifeline.x", KEYS));
    }
}

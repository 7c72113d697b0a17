package dev.lifeline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SettingsTest {

    @Test
    void everyPublicConstantIsRegisteredInDeclarationOrder() throws Exception {
        List<Setting<?>> declared = new ArrayList<>();
        for (Field field : Settings.class.getDeclaredFields()) {
            if (Modifier.isPublic(field.getModifiers()) && field.getType() == Setting.class) {
                declared.add((Setting<?>) field.get(null));
            }
        }
        assertEquals(Set.copyOf(declared), Set.copyOf(Settings.all()));
        assertEquals(declared.size(), Settings.all().size());
        assertSame(Settings.ENABLED, Settings.all().get(0));
    }

    @Test
    void registryIsReadOnly() {
        assertThrows(UnsupportedOperationException.class, () -> Settings.all().add(Settings.ENABLED));
    }

    @Test
    void settingsAreFoundByTheirFullKeyOnly() {
        assertEquals(Optional.of(Settings.RETRY_MAX_ATTEMPTS), Settings.byKey("lifeline.retry.maxAttempts"));
        assertEquals(Optional.empty(), Settings.byKey("retry.maxAttempts"));
        assertEquals(Optional.empty(), Settings.byKey("lifeline.retry.maxattempts"));
    }

    @Test
    void everyKeyAndEnvironmentNameIsUnique() {
        Set<String> names = new HashSet<>();
        for (Setting<?> setting : Settings.all()) {
            assertTrue(names.add(setting.key()), setting.key());
            assertTrue(names.add(setting.envName()), setting.envName());
        }
    }

    @Test
    void everySettingIsDocumented() {
        for (Setting<?> setting : Settings.all()) {
            assertFalse(setting.meaning().isBlank(), setting.key());
            assertFalse(setting.allowed().isBlank(), setting.key());
            assertFalse(setting.incident().isBlank(), setting.key());
            assertEquals(setting.defaultValue(), setting.parse(setting.defaultText()), setting.key());
        }
    }

    @Test
    void documentedDefaultsMatchTheIncidents() {
        assertEquals(3, Settings.RETRY_MAX_ATTEMPTS.defaultValue());
        assertEquals(0, Settings.JDBC_MAX_CONNECTIONS.defaultValue(), "adaptive: no cap until a refusal");
        assertEquals(15, Settings.JDBC_MAX_CONNECTIONS.parse("15"), "incident 5's pool 5 + overflow 10, when set");
        assertEquals("30s", Settings.JDBC_ACQUIRE_RETRY_FOR.defaultText(), "HikariCP's own connectionTimeout");
        assertEquals("8s", Settings.RETRY_MAX_BACKOFF.defaultText());
        assertEquals("30s", Settings.RETRY_DEADLINE.defaultText());
        assertEquals("30s", Settings.JDBC_ACQUIRE_TIMEOUT.defaultText());
        assertEquals("60s", Settings.JDBC_KEEPALIVE.defaultText());
        assertEquals("", Settings.CONFIG_FILE.defaultText());
    }

    @Test
    void markdownTableHasOneRowPerSettingWithKeyAndDefault() {
        String[] lines = Settings.markdownTable().split("\n");
        assertEquals("| key | default | allowed | meaning | incident |", lines[0]);
        assertEquals(Settings.all().size() + 2, lines.length);
        assertEquals("| `lifeline.retry.maxAttempts` | `3` | an integer from 1 to 100"
                + " | Attempts per statement replay and per HTTP call, the first one included; 1 turns retrying off (connection acquisition is bounded by lifeline.jdbc.acquireRetryFor instead). | 1 (3 attempts) |", lines[5]);
        assertTrue(lines[4].startsWith("| `lifeline.config` | *(none)* |"), lines[4]);
    }

    @Test
    void readmeCheckCatchesAMissingKeyAndAStaleDefault() {
        String stale = Settings.markdownTable()
                .replace("| `lifeline.retry.deadline` | `30s` |", "| `lifeline.retry.deadline` | `45s` |")
                .replaceAll("(?m)^.*`lifeline\\.strict`.*$", "");
        assertEquals(List.of("lifeline.strict (default false)", "lifeline.retry.deadline (default 30s)"),
                ReadmeDocumentsEverySettingTest.undocumented(stale));
    }

    @Test
    void markdownTableSatisfiesTheReadmeCheck() {
        assertEquals(List.of(), ReadmeDocumentsEverySettingTest.undocumented(Settings.markdownTable()));
    }
}

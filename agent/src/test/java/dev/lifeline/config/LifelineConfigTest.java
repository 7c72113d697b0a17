package dev.lifeline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LifelineConfigTest {

    @TempDir
    Path dir;

    private final List<String> warnings = new ArrayList<>();

    private LifelineConfig load(String args, Map<String, String> props, Map<String, String> env) throws ConfigException {
        return LifelineConfig.load(args, props, env, warnings::add);
    }

    private Path file(String content) throws IOException {
        Path file = dir.resolve("lifeline.properties");
        Files.write(file, content.getBytes(StandardCharsets.UTF_8));
        return file;
    }

    // ---------------------------------------------------------------- precedence

    @Test
    void agentArgumentsOverrideSystemPropertiesEnvironmentAndFile() throws Exception {
        Path file = file("retry.maxAttempts=7\n");
        LifelineConfig config = load("retry.maxAttempts=4",
                Map.of("lifeline.retry.maxAttempts", "5", "lifeline.config", file.toString()),
                Map.of("LIFELINE_RETRY_MAX_ATTEMPTS", "6"));
        assertEquals(4, config.get(Settings.RETRY_MAX_ATTEMPTS));
        assertEquals("agent argument", config.sourceOf(Settings.RETRY_MAX_ATTEMPTS));
        assertEquals(List.of(), warnings);
    }

    @Test
    void systemPropertiesOverrideEnvironmentAndFile() throws Exception {
        Path file = file("lifeline.retry.maxAttempts=7\n");
        LifelineConfig config = load(null,
                Map.of("lifeline.retry.maxAttempts", "5"),
                Map.of("LIFELINE_RETRY_MAX_ATTEMPTS", "6", "LIFELINE_CONFIG", file.toString()));
        assertEquals(5, config.get(Settings.RETRY_MAX_ATTEMPTS));
        assertEquals("system property", config.sourceOf(Settings.RETRY_MAX_ATTEMPTS));
    }

    @Test
    void environmentOverridesFile() throws Exception {
        Path file = file("lifeline.retry.maxAttempts=7\n");
        LifelineConfig config = load("config=" + file, Map.of(), Map.of("LIFELINE_RETRY_MAX_ATTEMPTS", "6"));
        assertEquals(6, config.get(Settings.RETRY_MAX_ATTEMPTS));
        assertEquals("environment variable LIFELINE_RETRY_MAX_ATTEMPTS", config.sourceOf(Settings.RETRY_MAX_ATTEMPTS));
    }

    @Test
    void fileOverridesDefaultsAndMayLeaveOutThePrefix() throws Exception {
        Path file = file("# tuned for the pooler\nretry.maxAttempts = 7\nlifeline.jdbc.keepalive=45s\n");
        LifelineConfig config = load(null, Map.of("lifeline.config", file.toString()), Map.of());
        assertEquals(7, config.get(Settings.RETRY_MAX_ATTEMPTS));
        assertEquals(Duration.ofSeconds(45), config.get(Settings.JDBC_KEEPALIVE));
        assertEquals("file " + file, config.sourceOf(Settings.JDBC_KEEPALIVE));
        assertEquals("system property", config.sourceOf(Settings.CONFIG_FILE));
        assertEquals(List.of(), warnings);
    }

    @Test
    void unsetSettingsTakeTheirDefaults() throws Exception {
        LifelineConfig config = load("retry.maxAttempts=4", Map.of(), Map.of());
        assertEquals(Duration.ofMillis(100), config.get(Settings.RETRY_INITIAL_BACKOFF));
        assertEquals("default", config.sourceOf(Settings.RETRY_INITIAL_BACKOFF));
        assertFalse(config.isSet(Settings.RETRY_INITIAL_BACKOFF));
        assertTrue(config.isSet(Settings.RETRY_MAX_ATTEMPTS));
    }

    @Test
    void aValueEqualToTheDefaultStillCountsAsSet() throws Exception {
        LifelineConfig config = load(null, Map.of(), Map.of("LIFELINE_JDBC_MAX_LIFETIME", "30m"));
        assertTrue(config.isSet(Settings.JDBC_MAX_LIFETIME));
    }

    @Test
    void defaultsEqualsLoadWithNothingSet() throws Exception {
        LifelineConfig loaded = load(null, Map.of("java.version", "17"), Map.of("PATH", "/bin"));
        assertEquals(LifelineConfig.defaults(), loaded);
        assertEquals(LifelineConfig.defaults().hashCode(), loaded.hashCode());
        assertEquals(LifelineConfig.defaults(), load("", null, null));
        for (Setting<?> setting : Settings.all()) {
            assertEquals(setting.defaultValue(), loaded.get(setting), setting.key());
            assertFalse(loaded.isSet(setting), setting.key());
        }
        assertEquals(List.of(), loaded.problems());
    }

    @Test
    void everyTypeOfSettingIsReadFromItsSource() throws Exception {
        LifelineConfig config = load(
                "enabled=false,retry.initialBackoff=PT0.25S,retry.budgetRatio=0.5,jdbc.acquireTimeout=0",
                Map.of("lifeline.retry.maxBackoff", "2m"), Map.of());
        assertFalse(config.get(Settings.ENABLED));
        assertEquals(Duration.ofMillis(250), config.get(Settings.RETRY_INITIAL_BACKOFF));
        assertEquals(Duration.ofMinutes(2), config.get(Settings.RETRY_MAX_BACKOFF));
        assertEquals(0.5, config.get(Settings.RETRY_BUDGET_RATIO));
        assertEquals(Duration.ZERO, config.get(Settings.JDBC_ACQUIRE_TIMEOUT));
        assertEquals(List.of(), warnings);
    }

    // ---------------------------------------------------------------- agent arguments

    @Test
    void listValuesInAgentArgumentsKeepTheirCommas() {
        Setting<List<Integer>> statuses = Setting.intList("lifeline.http.retryOnStatus", "500", 100, 599, "m", null);
        List<String> pieces = AgentArguments.pieces("lifeline.http.retryOnStatus=500,502,lifeline.retry.maxAttempts=3");
        assertEquals(List.of("lifeline.http.retryOnStatus=500,502", "lifeline.retry.maxAttempts=3"), pieces);
        assertEquals(List.of(500, 502), statuses.parse(pieces.get(0).split("=", 2)[1]));
        assertEquals(List.of("a=1", "b.c = 2, 3", "d=x"), AgentArguments.pieces("a=1, b.c = 2, 3,d=x,"));
    }

    @Test
    void agentArgumentKeysWorkWithAndWithoutPrefix() throws Exception {
        LifelineConfig config = load("retry.maxAttempts=5, lifeline.jdbc.maxConnections = 9", Map.of(), Map.of());
        assertEquals(5, config.get(Settings.RETRY_MAX_ATTEMPTS));
        assertEquals(9, config.get(Settings.JDBC_MAX_CONNECTIONS));
    }

    @Test
    void malformedAgentArgumentIsReportedInOneLine() throws Exception {
        LifelineConfig config = load("verbose,retry.maxAttempts=5", Map.of(), Map.of());
        assertEquals(List.of("[lifeline] ignoring agent argument 'verbose': expected key=value, pairs separated by commas"),
                warnings);
        assertEquals(5, config.get(Settings.RETRY_MAX_ATTEMPTS));
    }

    @Test
    void malformedAgentArgumentThatLooksLikeASecretIsNotEchoed() throws Exception {
        load("db.password:hunter2", Map.of(), Map.of());
        assertEquals(List.of("[lifeline] ignoring agent argument '***': expected key=value, pairs separated by commas"),
                warnings);
    }

    @Test
    void keyGivenTwiceInAgentArgumentsUsesTheLastAndSaysSo() throws Exception {
        LifelineConfig config = load("retry.maxAttempts=5,lifeline.retry.maxAttempts=6", Map.of(), Map.of());
        assertEquals(6, config.get(Settings.RETRY_MAX_ATTEMPTS));
        assertEquals(List.of("[lifeline] lifeline.retry.maxAttempts is given twice (agent argument); using the last value '6'"),
                warnings);
    }

    // ---------------------------------------------------------------- invalid values

    @Test
    void invalidValueIsReportedInExactlyOneLineAndTheDefaultIsUsed() throws Exception {
        LifelineConfig config = load(null, Map.of("lifeline.retry.maxAttempts", "abc"), Map.of());
        assertEquals(List.of("[lifeline] invalid value 'abc' for lifeline.retry.maxAttempts (system property):"
                + " expected an integer from 1 to 100; using the default 3"), warnings);
        assertEquals(3, config.get(Settings.RETRY_MAX_ATTEMPTS));
        assertEquals("default", config.sourceOf(Settings.RETRY_MAX_ATTEMPTS));
        assertFalse(config.isSet(Settings.RETRY_MAX_ATTEMPTS));
        assertEquals(warnings, config.problems());
    }

    @Test
    void invalidValueFromEnvironmentNamesTheVariable() throws Exception {
        load(null, Map.of(), Map.of("LIFELINE_JDBC_KEEPALIVE", "10s"));
        assertEquals(List.of("[lifeline] invalid value '10s' for lifeline.jdbc.keepalive (environment variable"
                + " LIFELINE_JDBC_KEEPALIVE): expected a duration such as 250ms, 5s or 2m, from 30s to 1h;"
                + " using the default 60s"), warnings);
    }

    @Test
    void eachInvalidValueGetsItsOwnLine() throws Exception {
        LifelineConfig config = load("retry.deadline=5,retry.budgetRatio=2", Map.of("lifeline.enabled", "yes"), Map.of());
        assertEquals(3, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("lifeline.enabled (system property): expected true or false"));
        assertTrue(warnings.get(1).contains("lifeline.retry.deadline (agent argument)"));
        assertTrue(warnings.get(1).contains("(a number without a unit is ambiguous); using the default 30s"));
        assertTrue(warnings.get(2).contains("'2' for lifeline.retry.budgetRatio"));
        assertTrue(config.get(Settings.ENABLED));
    }

    @Test
    void invalidHigherSourceFallsBackToTheDefaultNotToALowerSource() throws Exception {
        LifelineConfig config = load("retry.maxAttempts=0", Map.of("lifeline.retry.maxAttempts", "5"), Map.of());
        assertEquals(3, config.get(Settings.RETRY_MAX_ATTEMPTS));
        assertEquals(1, warnings.size());
    }

    @Test
    void initialBackoffAboveMaxBackoffResetsBothToDefaultsInOneLine() throws Exception {
        LifelineConfig config = load("retry.initialBackoff=10s", Map.of("lifeline.retry.maxBackoff", "5s"), Map.of());
        assertEquals(List.of("[lifeline] lifeline.retry.initialBackoff '10s' (agent argument) exceeds"
                + " lifeline.retry.maxBackoff '5s' (system property); using the defaults 100ms and 8s"), warnings);
        assertEquals(Duration.ofMillis(100), config.get(Settings.RETRY_INITIAL_BACKOFF));
        assertEquals(Duration.ofSeconds(8), config.get(Settings.RETRY_MAX_BACKOFF));
        assertFalse(config.isSet(Settings.RETRY_INITIAL_BACKOFF));
        assertFalse(config.isSet(Settings.RETRY_MAX_BACKOFF));
    }

    @Test
    void initialBackoffEqualToMaxBackoffIsAccepted() throws Exception {
        LifelineConfig config = load("retry.initialBackoff=2s,retry.maxBackoff=2000ms", Map.of(), Map.of());
        assertEquals(Duration.ofSeconds(2), config.get(Settings.RETRY_INITIAL_BACKOFF));
        assertEquals(List.of(), warnings);
    }

    // ---------------------------------------------------------------- unknown keys

    @Test
    void unknownKeySuggestsTheNearestKnownKey() throws Exception {
        load("retry.maxAtempts=5", Map.of(), Map.of());
        assertEquals(List.of("[lifeline] unknown setting lifeline.retry.maxAtempts (agent argument);"
                + " did you mean lifeline.retry.maxAttempts?"), warnings);
    }

    @Test
    void unknownKeyMatchesRegardlessOfCase() throws Exception {
        load(null, Map.of("lifeline.jdbc.maxconnections", "5"), Map.of());
        assertEquals(List.of("[lifeline] unknown setting lifeline.jdbc.maxconnections (system property);"
                + " did you mean lifeline.jdbc.maxConnections?"), warnings);
    }

    @Test
    void unknownKeyWithNothingCloseHasNoSuggestion() throws Exception {
        load("lifeline.telemetry.exporter=otlp", Map.of(), Map.of());
        assertEquals(List.of("[lifeline] unknown setting lifeline.telemetry.exporter (agent argument)"), warnings);
    }

    @Test
    void unknownEnvironmentVariableSuggestsTheNearestVariable() throws Exception {
        load(null, Map.of(), Map.of("LIFELINE_RETRY_MAX_ATEMPTS", "5", "LIFELINEX", "ignored", "HOME", "/root"));
        assertEquals(List.of("[lifeline] unknown setting LIFELINE_RETRY_MAX_ATEMPTS (environment variable);"
                + " did you mean LIFELINE_RETRY_MAX_ATTEMPTS?"), warnings);
    }

    @Test
    void unknownKeyInFileIsReportedWithTheFile() throws Exception {
        Path file = file("retry.deadlin=5s\n");
        load("config=" + file, Map.of(), Map.of());
        assertEquals(List.of("[lifeline] unknown setting lifeline.retry.deadlin (file " + file + ");"
                + " did you mean lifeline.retry.deadline?"), warnings);
    }

    @Test
    void systemPropertiesWithoutTheLifelinePrefixAreNotOurs() throws Exception {
        load(null, Map.of("retry.maxAttempts", "x", "lifelineX", "y"), Map.of());
        assertEquals(List.of(), warnings);
    }

    // ---------------------------------------------------------------- config file

    @Test
    void missingConfigFileIsReportedInOneLineNamingThePath() throws Exception {
        Path missing = dir.resolve("nope.properties");
        LifelineConfig config = load(null, Map.of(), Map.of("LIFELINE_CONFIG", missing.toString()));
        assertEquals(List.of("[lifeline] cannot read config file " + missing + " named by lifeline.config"
                + " (environment variable LIFELINE_CONFIG): no such file; its settings are ignored"), warnings);
        assertEquals(LifelineConfig.defaults().get(Settings.RETRY_MAX_ATTEMPTS), config.get(Settings.RETRY_MAX_ATTEMPTS));
    }

    @Test
    void configFileThatIsADirectoryIsReported() throws Exception {
        load("config=" + dir, Map.of(), Map.of());
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains(dir + " named by lifeline.config (agent argument): it is a directory"));
    }

    @Test
    void configFileCannotNameAnotherFile() throws Exception {
        Path file = file("lifeline.config=/elsewhere.properties\n");
        LifelineConfig config = load("config=" + file, Map.of(), Map.of());
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).startsWith("[lifeline] lifeline.config (file " + file + ") is ignored"));
        assertEquals(file.toString(), config.get(Settings.CONFIG_FILE));
    }

    @Test
    void blankConfigFileMeansNoFile() throws Exception {
        assertEquals(LifelineConfig.defaults().get(Settings.RETRY_MAX_ATTEMPTS),
                load("config= ", Map.of(), Map.of()).get(Settings.RETRY_MAX_ATTEMPTS));
        assertEquals(List.of(), warnings);
    }

    // ---------------------------------------------------------------- strict

    @Test
    void strictModeRefusesToStartWithEveryProblem() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("strict=true,retry.maxAtempts=5",
                Map.of("lifeline.retry.maxAttempts", "abc"), Map.of()));
        String unknown = "[lifeline] unknown setting lifeline.retry.maxAtempts (agent argument);"
                + " did you mean lifeline.retry.maxAttempts?";
        String invalid = "[lifeline] invalid value 'abc' for lifeline.retry.maxAttempts (system property):"
                + " expected an integer from 1 to 100; using the default 3";
        assertEquals("[lifeline] refusing to start (lifeline.strict=true): " + unknown + "; " + invalid, e.getMessage());
        assertEquals(List.of(unknown, invalid), e.problems());
        assertEquals(List.of(unknown, invalid), warnings);
    }

    @Test
    void strictModeMayComeFromTheFile() throws Exception {
        Path file = file("strict=true\nretry.maxAttempts=0\n");
        assertThrows(ConfigException.class, () -> load(null, Map.of(), Map.of("LIFELINE_CONFIG", file.toString())));
    }

    @Test
    void strictModeWithoutProblemsStarts() throws Exception {
        LifelineConfig config = load(null, Map.of(), Map.of("LIFELINE_STRICT", "true"));
        assertTrue(config.get(Settings.STRICT));
        assertEquals(List.of(), config.problems());
    }

    @Test
    void strictModeWithMissingFileRefusesToStart() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> load("strict=true,config=" + dir.resolve("nope"), Map.of(), Map.of()));
        assertTrue(e.getMessage().contains("no such file"));
    }

    @Test
    void invalidStrictValueIsAProblemAndStrictCountsAsFalse() throws Exception {
        LifelineConfig config = load("strict=yes,retry.maxAttempts=0", Map.of(), Map.of());
        assertFalse(config.get(Settings.STRICT));
        assertEquals(List.of(
                "[lifeline] invalid value 'yes' for lifeline.strict (agent argument): expected true or false;"
                        + " using the default false",
                "[lifeline] invalid value '0' for lifeline.retry.maxAttempts (agent argument):"
                        + " expected an integer from 1 to 100; using the default 3"), warnings);
    }

    @Test
    void withoutStrictProblemsOnlyWarn() throws Exception {
        LifelineConfig config = load("strict=false,retry.maxAttempts=0", Map.of(), Map.of());
        assertEquals(1, config.problems().size());
    }

    // ---------------------------------------------------------------- reading the result

    @Test
    void askingForAnUnregisteredSettingIsAProgrammingError() {
        Setting<Boolean> stray = Setting.bool("lifeline.test.stray", true, "m", null);
        assertThrows(IllegalArgumentException.class, () -> LifelineConfig.defaults().get(stray));
        assertThrows(IllegalArgumentException.class, () -> LifelineConfig.defaults().sourceOf(stray));
    }

    @Test
    void toStringListsEveryValueWithItsSource() throws Exception {
        String text = load("retry.maxAttempts=5", Map.of(), Map.of()).toString();
        assertTrue(text.contains("lifeline.retry.maxAttempts=5 (agent argument)"), text);
        assertTrue(text.contains("lifeline.enabled=true (default)"), text);
    }

    @Test
    void aNullWarningsConsumerIsAllowed() throws Exception {
        LifelineConfig config = LifelineConfig.load("retry.maxAttempts=x", null, null, null);
        assertEquals(1, config.problems().size());
    }
}

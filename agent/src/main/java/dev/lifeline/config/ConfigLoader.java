package dev.lifeline.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * One run of {@link LifelineConfig#load}: reads the sources into layers, reports every problem
 * as exactly one line, and resolves each setting from the highest layer that has it.
 */
final class ConfigLoader {

    private static final String TAG = "[lifeline] ";
    private static final String AGENT_ARGUMENT = "agent argument";
    private static final String SYSTEM_PROPERTY = "system property";
    private static final String ENVIRONMENT_VARIABLE = "environment variable";
    private static final String ENV_PREFIX = "LIFELINE_";

    /** A value as the user wrote it, and where. */
    private static final class Raw {
        final String value;
        final String source;

        Raw(String value, String source) {
            this.value = value;
            this.source = source;
        }
    }

    private final Consumer<String> warnings;
    private final List<String> problems = new ArrayList<>();

    ConfigLoader(Consumer<String> warnings) {
        this.warnings = warnings == null ? line -> { } : warnings;
    }

    LifelineConfig load(String agentArgs, Map<String, String> systemProperties, Map<String, String> environment)
            throws ConfigException {
        // Highest precedence first; the file layer is appended once the three above name it.
        List<Map<String, Raw>> layers = new ArrayList<>();
        layers.add(fromAgentArguments(agentArgs));
        layers.add(fromSystemProperties(systemProperties));
        layers.add(fromEnvironment(environment));
        Raw configFile = highest(layers, Settings.CONFIG_FILE);
        if (configFile != null && !configFile.value.isBlank()) {
            layers.add(fromFile(configFile.value.trim(), configFile.source));
        }

        Map<Setting<?>, Object> values = new LinkedHashMap<>();
        Map<Setting<?>, String> sources = new LinkedHashMap<>();
        Map<Setting<?>, String> written = new LinkedHashMap<>();
        for (Setting<?> setting : Settings.all()) {
            Raw raw = highest(layers, setting);
            Object value = setting.defaultValue();
            String source = LifelineConfig.DEFAULT_SOURCE;
            if (raw != null) {
                try {
                    value = setting.parse(raw.value);
                    source = raw.source;
                    written.put(setting, raw.value);
                } catch (IllegalArgumentException e) {
                    report("invalid value " + Setting.quoted(setting.key(), raw.value) + " for " + setting.key()
                            + " (" + raw.source + "): expected " + e.getMessage()
                            + "; using the default " + shownDefault(setting));
                }
            }
            values.put(setting, value);
            sources.put(setting, source);
        }

        requireNotAbove(Settings.RETRY_INITIAL_BACKOFF, Settings.RETRY_MAX_BACKOFF, values, sources, written);

        // An invalid strict value was reported above and left at its default, false.
        if (Boolean.TRUE.equals(values.get(Settings.STRICT)) && !problems.isEmpty()) {
            throw new ConfigException(TAG + "refusing to start (" + Settings.STRICT.key() + "=true): "
                    + String.join("; ", problems), problems);
        }
        return new LifelineConfig(values, sources, problems);
    }

    // ---------------------------------------------------------------- sources

    private Map<String, Raw> fromAgentArguments(String agentArgs) {
        Map<String, Raw> layer = new LinkedHashMap<>();
        for (String piece : AgentArguments.pieces(agentArgs)) {
            int equals = piece.indexOf('=');
            if (equals <= 0 || piece.substring(0, equals).isBlank()) {
                // "password:hunter2" is still a password: the secret rule applies to what it looks like.
                report("ignoring agent argument " + Setting.quoted(withPrefix(piece), piece)
                        + ": expected key=value, pairs separated by commas");
                continue;
            }
            String key = withPrefix(piece.substring(0, equals).trim());
            put(layer, key, piece.substring(equals + 1).trim(), AGENT_ARGUMENT);
        }
        return layer;
    }

    private Map<String, Raw> fromSystemProperties(Map<String, String> systemProperties) {
        Map<String, Raw> layer = new LinkedHashMap<>();
        if (systemProperties == null) {
            return layer;
        }
        // Sorted so that warnings come out in the same order on every start.
        for (Map.Entry<String, String> entry : new TreeMap<>(systemProperties).entrySet()) {
            if (entry.getKey().startsWith(Setting.PREFIX)) {
                put(layer, entry.getKey(), entry.getValue(), SYSTEM_PROPERTY);
            }
        }
        return layer;
    }

    private Map<String, Raw> fromEnvironment(Map<String, String> environment) {
        Map<String, Raw> layer = new LinkedHashMap<>();
        if (environment == null) {
            return layer;
        }
        Map<String, Setting<?>> byEnvName = new LinkedHashMap<>();
        for (Setting<?> setting : Settings.all()) {
            byEnvName.put(setting.envName(), setting);
        }
        for (Map.Entry<String, String> entry : new TreeMap<>(environment).entrySet()) {
            String name = entry.getKey();
            if (!name.startsWith(ENV_PREFIX)) {
                continue;
            }
            Setting<?> setting = byEnvName.get(name);
            if (setting == null) {
                reportUnknown(name, ENVIRONMENT_VARIABLE, byEnvName.keySet());
            } else {
                layer.put(setting.key(), new Raw(entry.getValue(), ENVIRONMENT_VARIABLE + " " + name));
            }
        }
        return layer;
    }

    private Map<String, Raw> fromFile(String path, String namedBy) {
        Map<String, Raw> layer = new LinkedHashMap<>();
        Properties properties = new Properties();
        String failure = null;
        try {
            Path file = Path.of(path);
            if (Files.isDirectory(file)) {
                failure = "it is a directory";
            } else {
                // UTF-8 rather than Properties' historical ISO-8859-1: the file is written by people today.
                try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    properties.load(reader);
                }
            }
        } catch (InvalidPathException e) {
            failure = "not a valid path";
        } catch (NoSuchFileException e) {
            failure = "no such file";
        } catch (AccessDeniedException e) {
            failure = "permission denied";
        } catch (CharacterCodingException e) {
            failure = "not UTF-8 text";
        } catch (IOException e) {
            failure = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        } catch (IllegalArgumentException e) {
            failure = "malformed \\uXXXX escape";
        }
        if (failure != null) {
            report("cannot read config file " + path + " named by " + Settings.CONFIG_FILE.key()
                    + " (" + namedBy + "): " + failure + "; its settings are ignored");
            return layer;
        }
        String source = "file " + path;
        for (String name : new TreeMap<>(toStrings(properties)).keySet()) {
            String key = withPrefix(name.trim());
            if (key.equals(Settings.CONFIG_FILE.key())) {
                report(key + " (" + source + ") is ignored: a config file cannot name another;"
                        + " set it as an agent argument, system property or environment variable");
                continue;
            }
            put(layer, key, properties.getProperty(name), source);
        }
        return layer;
    }

    // ---------------------------------------------------------------- helpers

    /** Adds a value for a known key, or reports the key as unknown. */
    private void put(Map<String, Raw> layer, String key, String value, String source) {
        if (Settings.byKey(key).isEmpty()) {
            List<String> keys = new ArrayList<>();
            for (Setting<?> setting : Settings.all()) {
                keys.add(setting.key());
            }
            reportUnknown(key, source, keys);
            return;
        }
        if (layer.containsKey(key)) {
            report(key + " is given twice (" + source + "); using the last value " + Setting.quoted(key, value));
        }
        layer.put(key, new Raw(value, source));
    }

    private void reportUnknown(String name, String source, Iterable<String> known) {
        List<String> candidates = new ArrayList<>();
        known.forEach(candidates::add);
        String suggestion = NearestKey.among(name, candidates).map(k -> "; did you mean " + k + "?").orElse("");
        report("unknown setting " + name + " (" + source + ")" + suggestion);
    }

    /**
     * Both fall back to their defaults: keeping either user value would pair it with a partner the
     * user did not choose, and the defaults are known to be consistent.
     */
    private <C extends Comparable<C>> void requireNotAbove(Setting<C> lower, Setting<C> upper,
                                                           Map<Setting<?>, Object> values,
                                                           Map<Setting<?>, String> sources,
                                                           Map<Setting<?>, String> written) {
        @SuppressWarnings("unchecked") C low = (C) values.get(lower);
        @SuppressWarnings("unchecked") C high = (C) values.get(upper);
        if (low.compareTo(high) <= 0) {
            return;
        }
        report(lower.key() + " " + shownValue(lower, written) + " (" + sources.get(lower) + ") exceeds "
                + upper.key() + " " + shownValue(upper, written) + " (" + sources.get(upper) + ")"
                + "; using the defaults " + shownDefault(lower) + " and " + shownDefault(upper));
        for (Setting<C> setting : List.of(lower, upper)) {
            values.put(setting, setting.defaultValue());
            sources.put(setting, LifelineConfig.DEFAULT_SOURCE);
        }
    }

    private static String shownValue(Setting<?> setting, Map<Setting<?>, String> written) {
        String raw = written.get(setting);
        return Setting.quoted(setting.key(), raw != null ? raw.trim() : setting.defaultText());
    }

    private static String shownDefault(Setting<?> setting) {
        return setting.defaultText().isEmpty() ? "(none)" : setting.defaultText();
    }

    private static Raw highest(List<Map<String, Raw>> layers, Setting<?> setting) {
        for (Map<String, Raw> layer : layers) {
            Raw raw = layer.get(setting.key());
            if (raw != null) {
                return raw;
            }
        }
        return null;
    }

    /** Agent arguments and the file may leave out the {@code lifeline.} prefix. */
    private static String withPrefix(String key) {
        return key.startsWith(Setting.PREFIX) ? key : Setting.PREFIX + key;
    }

    private static Map<String, String> toStrings(Properties properties) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            map.put(name, properties.getProperty(name));
        }
        return map;
    }

    private void report(String problem) {
        String line = TAG + problem;
        problems.add(line);
        warnings.accept(line);
    }
}

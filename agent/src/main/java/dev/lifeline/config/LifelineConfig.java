package dev.lifeline.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The agent's configuration: every {@link Settings setting} resolved from its sources, validated
 * once at start-up, immutable afterwards. Policies read their values from here when they are
 * built, never on the call path.
 *
 * <p>Sources, highest precedence first: agent arguments, {@code lifeline.*} system properties,
 * {@code LIFELINE_*} environment variables, the properties file named by {@code lifeline.config},
 * then the defaults. A bad value never stops the application (unless {@code lifeline.strict=true}):
 * it is reported in one line and the default applies.
 */
public final class LifelineConfig {

    static final String DEFAULT_SOURCE = "default";

    private final Map<Setting<?>, Object> values;
    private final Map<Setting<?>, String> sources;
    private final List<String> problems;

    LifelineConfig(Map<Setting<?>, Object> values, Map<Setting<?>, String> sources, List<String> problems) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
        this.problems = List.copyOf(problems);
    }

    /**
     * Resolves every setting from the given sources.
     *
     * @param agentArgs        the string after {@code =} in {@code -javaagent:...jar=}; may be null
     * @param systemProperties only keys starting with {@code lifeline.} are read; may be null
     * @param environment      only names starting with {@code LIFELINE_} are read; may be null
     * @param warnings         receives each problem as one line, as it is found
     * @throws ConfigException only when {@code lifeline.strict=true} and there was any problem
     */
    public static LifelineConfig load(String agentArgs, Map<String, String> systemProperties,
                                      Map<String, String> environment, Consumer<String> warnings)
            throws ConfigException {
        return new ConfigLoader(warnings).load(agentArgs, systemProperties, environment);
    }

    /** Every setting at its default; equal to {@code load} with nothing set. */
    public static LifelineConfig defaults() {
        Map<Setting<?>, Object> values = new LinkedHashMap<>();
        Map<Setting<?>, String> sources = new LinkedHashMap<>();
        for (Setting<?> setting : Settings.all()) {
            values.put(setting, setting.defaultValue());
            sources.put(setting, DEFAULT_SOURCE);
        }
        return new LifelineConfig(values, sources, List.of());
    }

    /** The value in effect: the user's if it was valid, the default otherwise. */
    @SuppressWarnings("unchecked") // values are put by their own setting's parser
    public <T> T get(Setting<T> setting) {
        Object value = values.get(setting);
        if (value == null) {
            throw unregistered(setting);
        }
        return (T) value;
    }

    /**
     * Whether the user set this setting explicitly, in any source, to a valid value. An invalid
     * value falls back to the default and does not count: callers use this to decide whether to
     * leave the application's own choices alone, and a rejected value expresses none.
     */
    public boolean isSet(Setting<?> setting) {
        return !DEFAULT_SOURCE.equals(sourceOf(setting));
    }

    /**
     * Where the value in effect came from: {@code "agent argument"}, {@code "system property"},
     * {@code "environment variable LIFELINE_X"}, {@code "file /path"} or {@code "default"}.
     */
    public String sourceOf(Setting<?> setting) {
        String source = sources.get(setting);
        if (source == null) {
            throw unregistered(setting);
        }
        return source;
    }

    /** The problem lines that were reported while loading, in order; empty when all was well. */
    public List<String> problems() {
        return problems;
    }

    private static IllegalArgumentException unregistered(Setting<?> setting) {
        return new IllegalArgumentException(setting.key() + " is not registered in " + Settings.class.getName());
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof LifelineConfig)) {
            return false;
        }
        LifelineConfig that = (LifelineConfig) other;
        return values.equals(that.values) && sources.equals(that.sources) && problems.equals(that.problems);
    }

    @Override
    public int hashCode() {
        return Objects.hash(values, sources, problems);
    }

    /** One {@code key=value (source)} per setting, secrets masked: safe for a start-up log line. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("LifelineConfig{");
        String separator = "";
        for (Map.Entry<Setting<?>, Object> entry : values.entrySet()) {
            Setting<?> setting = entry.getKey();
            text.append(separator).append(setting.key()).append('=')
                    .append(setting.secret() ? "***" : entry.getValue())
                    .append(" (").append(sources.get(setting)).append(')');
            separator = ", ";
        }
        return text.append('}').toString();
    }
}

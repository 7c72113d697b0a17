package dev.lifeline.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One known configuration key: its name in every source, its default, what it accepts and why it
 * exists. Immutable; instances are created once, as constants in {@link Settings}.
 *
 * <p>{@link #parse(String)} is the only validation a value goes through, so the text a user reads
 * in a warning ({@link #allowed()}) and the check that produced it cannot drift apart.
 */
public final class Setting<T> {

    static final String PREFIX = "lifeline.";

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)", Pattern.CASE_INSENSITIVE);
    private static final Pattern BARE_NUMBER = Pattern.compile("[+-]?\\d+(\\.\\d*)?");
    // Double.parseDouble also takes "NaN", "Infinity", "1d" and hex floats; nobody means those in a setting.
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private final String key;
    private final String envName;
    private final T defaultValue;
    private final String defaultText;
    private final String allowed;
    private final String meaning;
    private final String incident;
    private final Function<String, T> parser;

    private Setting(String key, String defaultText, String allowed, Function<String, T> parser,
                    String meaning, String incident) {
        if (!key.startsWith(PREFIX) || key.length() == PREFIX.length()) {
            throw new IllegalArgumentException("a setting key starts with '" + PREFIX + "': " + key);
        }
        this.key = key;
        this.envName = envNameOf(key);
        this.defaultText = Objects.requireNonNull(defaultText, "defaultText");
        this.allowed = Objects.requireNonNull(allowed, "allowed");
        this.parser = Objects.requireNonNull(parser, "parser");
        this.meaning = Objects.requireNonNull(meaning, "meaning");
        this.incident = incident == null || incident.isBlank() ? "-" : incident;
        // The default goes through the same parser as user input: a default outside its own
        // bounds is a programming error and fails the class initialisation, not a user's start.
        try {
            this.defaultValue = parser.apply(defaultText);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("default '" + defaultText + "' of " + key + " is not " + allowed, e);
        }
    }

    // ---------------------------------------------------------------- factories

    /** {@code true} or {@code false}, any case; yes/no/1/0 are refused because they are easy to mistype into the opposite. */
    public static Setting<Boolean> bool(String key, boolean defaultValue, String meaning, String incident) {
        String allowed = "true or false";
        return new Setting<>(key, Boolean.toString(defaultValue), allowed, new Parser<>(Parser.BOOL, allowed),
                meaning, incident);
    }

    /** {@code adaptive} (any case), parsed as 0, or an integer from {@code min} to {@code max}. */
    public static Setting<Integer> adaptiveOrInteger(String key, String defaultText, int min, int max,
                                                     String meaning, String incident) {
        String allowed = "adaptive, or an integer from " + min + " to " + max;
        return new Setting<>(key, defaultText, allowed, new Parser<Integer>(Parser.ADAPTIVE_OR_INTEGER, allowed).within(min, max),
                meaning, incident);
    }

    public static Setting<Integer> integer(String key, int defaultValue, int min, int max,
                                           String meaning, String incident) {
        String allowed = "an integer from " + min + " to " + max;
        return new Setting<>(key, Integer.toString(defaultValue), allowed,
                new Parser<Integer>(Parser.INTEGER, allowed).within(min, max), meaning, incident);
    }

    /**
     * A duration written as {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 0} or ISO-8601
     * ({@code PT5S}). Bounds and default are written the way a user would write them.
     */
    public static Setting<Duration> duration(String key, String defaultText, String min, String max,
                                             String meaning, String incident) {
        Duration low = parseDuration(min, "a duration");
        Duration high = parseDuration(max, "a duration");
        String allowed = "a duration such as 250ms, 5s or 2m, from " + min + " to " + max;
        return new Setting<>(key, defaultText, allowed, new Parser<Duration>(Parser.DURATION, allowed).within(low, high),
                meaning, incident);
    }

    public static Setting<Double> decimal(String key, double defaultValue, double min, double max,
                                          String meaning, String incident) {
        String allowed = "a number from " + min + " to " + max;
        return new Setting<>(key, Double.toString(defaultValue), allowed,
                new Parser<Double>(Parser.DECIMAL, allowed).within(min, max), meaning, incident);
    }

    /** A fraction from 0.0 to 1.0. */
    public static Setting<Double> ratio(String key, double defaultValue, String meaning, String incident) {
        return decimal(key, defaultValue, 0.0, 1.0, meaning, incident);
    }

    /** Free text, trimmed; {@code allowed} describes it for the README ("a file path"). */
    public static Setting<String> string(String key, String defaultValue, String allowed,
                                         String meaning, String incident) {
        return new Setting<>(key, defaultValue, allowed, new Parser<>(Parser.STRING, allowed), meaning, incident);
    }

    /** Comma-separated integers, each within bounds; an empty value is an empty list. */
    public static Setting<List<Integer>> intList(String key, String defaultCsv, int min, int max,
                                                 String meaning, String incident) {
        String allowed = "a comma-separated list of integers from " + min + " to " + max;
        return new Setting<>(key, defaultCsv, allowed, new Parser<List<Integer>>(Parser.INT_LIST, allowed).within(min, max),
                meaning, incident);
    }

    /** Comma-separated non-empty words; {@code itemDescription} names them ("HTTP methods"). */
    public static Setting<List<String>> stringList(String key, String defaultCsv, String itemDescription,
                                                   String meaning, String incident) {
        String allowed = "a comma-separated list of " + itemDescription;
        return new Setting<>(key, defaultCsv, allowed, new Parser<>(Parser.STRING_LIST, allowed), meaning, incident);
    }

    // ---------------------------------------------------------------- accessors

    /** The full key, for example {@code lifeline.retry.maxAttempts}. */
    public String key() {
        return key;
    }

    /** The environment variable, for example {@code LIFELINE_RETRY_MAX_ATTEMPTS}. */
    public String envName() {
        return envName;
    }

    public T defaultValue() {
        return defaultValue;
    }

    /** The default as a user would write it: {@code 100ms}, {@code 0.2}, {@code 500,502}. */
    public String defaultText() {
        return defaultText;
    }

    /** What a value must be, in words that read after "expected ". */
    public String allowed() {
        return allowed;
    }

    /** One sentence for the README. */
    public String meaning() {
        return meaning;
    }

    /** The incident (see DESIGN.md) this setting answers, with the value used there; {@code -} if none. */
    public String incident() {
        return incident;
    }

    /**
     * Whether values of this key must never be printed. Decided by the key's name so a key added
     * later (an API key, a password) is covered without anyone remembering to flag it.
     */
    public boolean secret() {
        return isSecretKey(key);
    }

    /**
     * Parses and validates a raw value.
     *
     * @throws IllegalArgumentException with a message that reads after "expected ", never echoing the value
     */
    public T parse(String raw) {
        return parser.apply(raw);
    }

    @Override
    public String toString() {
        return key;
    }

    // ---------------------------------------------------------------- rules shared with the loader

    /** {@code lifeline.retry.maxAttempts} -> {@code LIFELINE_RETRY_MAX_ATTEMPTS}: camelCase to UPPER_SNAKE, dots to '_'. */
    static String envNameOf(String key) {
        StringBuilder env = new StringBuilder(key.length() + 8);
        char previous = '.';
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '.' || c == '-') {
                env.append('_');
            } else {
                if (Character.isUpperCase(c) && (Character.isLowerCase(previous) || Character.isDigit(previous))) {
                    env.append('_');
                }
                env.append(Character.toUpperCase(c));
            }
            previous = c;
        }
        return env.toString();
    }

    /** Keys holding passwords, tokens, secrets or API keys: their values are shown as '***'. */
    static boolean isSecretKey(String key) {
        String name = key.toLowerCase(Locale.ROOT);
        int lastDot = name.lastIndexOf('.');
        String last = name.substring(lastDot + 1);
        return name.contains("password") || name.contains("token") || name.contains("secret")
                || name.contains("credential") || last.endsWith("key");
    }

    /** How a raw value of {@code key} may appear in a message. */
    static String quoted(String key, String raw) {
        return isSecretKey(key) ? "'***'" : "'" + raw + "'";
    }

    // ---------------------------------------------------------------- parsing

    /**
     * The parsers of the factories above, one class for all kinds: a lambda per kind would be
     * linked and spun into a class of its own while the agent starts, in the interpreter, before
     * the application's main (about 1 ms each on the benchmark hosts).
     */
    private static final class Parser<T> implements Function<String, T> {
        static final int BOOL = 0;
        static final int INTEGER = 1;
        static final int DURATION = 2;
        static final int DECIMAL = 3;
        static final int STRING = 4;
        static final int INT_LIST = 5;
        static final int STRING_LIST = 6;
        static final int ADAPTIVE_OR_INTEGER = 7;

        private final int kind;
        private final String allowed;
        private int minInt;
        private int maxInt;
        private double minDecimal;
        private double maxDecimal;
        private Duration minDuration;
        private Duration maxDuration;

        Parser(int kind, String allowed) {
            this.kind = kind;
            this.allowed = allowed;
        }

        Parser<T> within(int min, int max) {
            minInt = min;
            maxInt = max;
            return this;
        }

        Parser<T> within(double min, double max) {
            minDecimal = min;
            maxDecimal = max;
            return this;
        }

        Parser<T> within(Duration min, Duration max) {
            minDuration = min;
            maxDuration = max;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public T apply(String raw) {
            String text = trimmed(raw, allowed);
            switch (kind) {
                case BOOL:
                    if (text.equalsIgnoreCase("true")) {
                        return (T) Boolean.TRUE;
                    }
                    if (text.equalsIgnoreCase("false")) {
                        return (T) Boolean.FALSE;
                    }
                    throw new IllegalArgumentException(allowed);
                case INTEGER:
                    return (T) Integer.valueOf(parseInt(text, minInt, maxInt, allowed));
                case ADAPTIVE_OR_INTEGER:
                    return (T) Integer.valueOf(text.equalsIgnoreCase("adaptive") ? 0 : parseInt(text, minInt, maxInt, allowed));
                case DURATION: {
                    Duration value = parseDuration(text, allowed);
                    if (value.compareTo(minDuration) < 0 || value.compareTo(maxDuration) > 0) {
                        throw new IllegalArgumentException(allowed);
                    }
                    return (T) value;
                }
                case DECIMAL: {
                    if (!Setting.DECIMAL.matcher(text).matches()) {
                        throw new IllegalArgumentException(allowed);
                    }
                    double value = Double.parseDouble(text);
                    if (value < minDecimal || value > maxDecimal) {
                        throw new IllegalArgumentException(allowed);
                    }
                    return (T) Double.valueOf(value);
                }
                case INT_LIST: {
                    List<Integer> values = new ArrayList<>();
                    for (String item : items(text, allowed)) {
                        values.add(parseInt(item, minInt, maxInt, allowed));
                    }
                    return (T) List.copyOf(values);
                }
                case STRING_LIST:
                    return (T) items(text, allowed);
                case STRING:
                default:
                    return (T) text;
            }
        }
    }

    private static String trimmed(String raw, String allowed) {
        if (raw == null) {
            throw new IllegalArgumentException(allowed);
        }
        return raw.trim();
    }

    private static int parseInt(String text, int min, int max, String allowed) {
        int value;
        try {
            value = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(allowed);
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(allowed);
        }
        return value;
    }

    private static List<String> items(String text, String allowed) {
        if (text.isEmpty()) {
            return List.of();
        }
        List<String> items = new ArrayList<>();
        for (String item : text.split(",", -1)) {
            String trimmedItem = item.trim();
            if (trimmedItem.isEmpty()) {
                throw new IllegalArgumentException(allowed + " (an item is empty)");
            }
            items.add(trimmedItem);
        }
        return List.copyOf(items);
    }

    private static Duration parseDuration(String text, String allowed) {
        Matcher m = DURATION.matcher(text);
        if (m.matches()) {
            long amount;
            try {
                amount = Long.parseLong(m.group(1));
                switch (m.group(2).toLowerCase(Locale.ROOT)) {
                    case "ms":
                        return Duration.ofMillis(amount);
                    case "s":
                        return Duration.ofSeconds(amount);
                    case "m":
                        return Duration.ofMinutes(amount);
                    default:
                        return Duration.ofHours(amount);
                }
            } catch (NumberFormatException | ArithmeticException e) {
                throw new IllegalArgumentException(allowed);
            }
        }
        if (BARE_NUMBER.matcher(text).matches()) {
            // "0" is zero in any unit; any other bare number could mean ms or s, and guessing wrong is a 1000x error.
            if (text.matches("[+-]?0+(\\.0*)?")) {
                return Duration.ZERO;
            }
            throw new IllegalArgumentException(allowed + " (a number without a unit is ambiguous)");
        }
        String unsigned = text.replaceFirst("^[+-]", "");
        if (unsigned.startsWith("P") || unsigned.startsWith("p")) {
            try {
                return Duration.parse(text);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(allowed);
            }
        }
        throw new IllegalArgumentException(allowed);
    }
}

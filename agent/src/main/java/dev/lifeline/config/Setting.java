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

    /** A setting of any type: {@code parser} throws IllegalArgumentException for bad input. */
    public static <T> Setting<T> of(String key, String defaultText, String allowed, Function<String, T> parser,
                                    String meaning, String incident) {
        return new Setting<>(key, defaultText, allowed, parser, meaning, incident);
    }

    /** {@code true} or {@code false}, any case; yes/no/1/0 are refused because they are easy to mistype into the opposite. */
    public static Setting<Boolean> bool(String key, boolean defaultValue, String meaning, String incident) {
        String allowed = "true or false";
        return new Setting<>(key, Boolean.toString(defaultValue), allowed, raw -> {
            String text = trimmed(raw, allowed);
            if (text.equalsIgnoreCase("true")) {
                return Boolean.TRUE;
            }
            if (text.equalsIgnoreCase("false")) {
                return Boolean.FALSE;
            }
            throw new IllegalArgumentException(allowed);
        }, meaning, incident);
    }

    /** {@code adaptive} (any case) as 0, or an integer within bounds. */
    static Integer parseAdaptiveOrInt(String raw, int min, int max, String allowed) {
        String text = trimmed(raw, allowed);
        if (text.equalsIgnoreCase("adaptive")) {
            return 0;
        }
        return parseInt(text, min, max, allowed);
    }

    public static Setting<Integer> integer(String key, int defaultValue, int min, int max,
                                           String meaning, String incident) {
        String allowed = "an integer from " + min + " to " + max;
        return new Setting<>(key, Integer.toString(defaultValue), allowed,
                raw -> parseInt(trimmed(raw, allowed), min, max, allowed), meaning, incident);
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
        return new Setting<>(key, defaultText, allowed, raw -> {
            Duration value = parseDuration(trimmed(raw, allowed), allowed);
            if (value.compareTo(low) < 0 || value.compareTo(high) > 0) {
                throw new IllegalArgumentException(allowed);
            }
            return value;
        }, meaning, incident);
    }

    public static Setting<Double> decimal(String key, double defaultValue, double min, double max,
                                          String meaning, String incident) {
        String allowed = "a number from " + min + " to " + max;
        return new Setting<>(key, Double.toString(defaultValue), allowed, raw -> {
            String text = trimmed(raw, allowed);
            if (!DECIMAL.matcher(text).matches()) {
                throw new IllegalArgumentException(allowed);
            }
            double value = Double.parseDouble(text);
            if (value < min || value > max) {
                throw new IllegalArgumentException(allowed);
            }
            return value;
        }, meaning, incident);
    }

    /** A fraction from 0.0 to 1.0. */
    public static Setting<Double> ratio(String key, double defaultValue, String meaning, String incident) {
        return decimal(key, defaultValue, 0.0, 1.0, meaning, incident);
    }

    /** Free text, trimmed; {@code allowed} describes it for the README ("a file path"). */
    public static Setting<String> string(String key, String defaultValue, String allowed,
                                         String meaning, String incident) {
        return new Setting<>(key, defaultValue, allowed, raw -> trimmed(raw, allowed), meaning, incident);
    }

    /** Comma-separated integers, each within bounds; an empty value is an empty list. */
    public static Setting<List<Integer>> intList(String key, String defaultCsv, int min, int max,
                                                 String meaning, String incident) {
        String allowed = "a comma-separated list of integers from " + min + " to " + max;
        return new Setting<>(key, defaultCsv, allowed, raw -> {
            List<Integer> values = new ArrayList<>();
            for (String item : items(trimmed(raw, allowed), allowed)) {
                values.add(parseInt(item, min, max, allowed));
            }
            return List.copyOf(values);
        }, meaning, incident);
    }

    /** Comma-separated non-empty words; {@code itemDescription} names them ("HTTP methods"). */
    public static Setting<List<String>> stringList(String key, String defaultCsv, String itemDescription,
                                                   String meaning, String incident) {
        String allowed = "a comma-separated list of " + itemDescription;
        return new Setting<>(key, defaultCsv, allowed, raw -> items(trimmed(raw, allowed), allowed),
                meaning, incident);
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

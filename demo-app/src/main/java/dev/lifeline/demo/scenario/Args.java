package dev.lifeline.demo.scenario;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code key=value} arguments of the demo's child workloads. */
final class Args {

    private final Map<String, String> values = new LinkedHashMap<>();

    Args(String[] args) {
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got '" + arg + "'");
            }
            values.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
    }

    String get(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new IllegalArgumentException(key + "=... is required");
        }
        return value;
    }

    String get(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    int getInt(String key, int fallback) {
        return Integer.parseInt(get(key, String.valueOf(fallback)));
    }

    long getLong(String key, long fallback) {
        return Long.parseLong(get(key, String.valueOf(fallback)));
    }
}

package dev.lifeline.demo.scenario;

import dev.lifeline.demo.workload.Options;

import java.util.Map;

/** {@code key=value} arguments of the demo's child workloads. */
final class Args {

    private final Map<String, String> values;

    Args(String[] args) {
        values = Options.keyValues(args);
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

package dev.lifeline.demo.workload;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code key=value} command-line arguments of the workloads. */
public final class Options {

    private Options() {
    }

    static Map<String, String> parse(String[] args) {
        return parse(args, "jdbc:postgresql://...");
    }

    /** @param urlExample how the required {@code url} looks, for the error message */
    public static Map<String, String> parse(String[] args, String urlExample) {
        Map<String, String> options = keyValues(args);
        if (!options.containsKey("url")) {
            throw new IllegalArgumentException("url=" + urlExample + " is required");
        }
        return options;
    }

    /** Every {@code key=value} argument, in order; anything else is an error naming it. */
    public static Map<String, String> keyValues(String[] args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got '" + arg + "'");
            }
            values.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        return values;
    }
}

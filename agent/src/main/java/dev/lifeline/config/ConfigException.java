package dev.lifeline.config;

import java.util.List;

/**
 * Thrown by {@link LifelineConfig#load} only under {@code lifeline.strict=true}, when any setting
 * was invalid or unknown: the message carries every problem line, so one start-up attempt shows
 * the user everything to fix rather than one mistake per restart.
 */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    ConfigException(String message, List<String> problems) {
        super(message);
        this.problems = List.copyOf(problems);
    }

    /** The problem lines, each as it was passed to the warnings consumer. */
    public List<String> problems() {
        return problems;
    }
}

package dev.lifeline.metrics;

/** The {@code kind} tag: which half of Lifeline a target belongs to. */
public enum Kind {
    JDBC("jdbc"), HTTP("http");

    private final String tag;

    Kind(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}

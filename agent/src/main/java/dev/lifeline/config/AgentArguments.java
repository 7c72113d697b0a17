package dev.lifeline.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Splits the {@code -javaagent:lifeline-agent.jar=...} string into {@code key=value} pieces.
 *
 * <p>A list value may itself contain commas ({@code http.retryOnStatus=500,502}), so a comma
 * separates two pairs only when what follows it looks like {@code name=}.
 */
final class AgentArguments {

    private static final Pattern PAIR_SEPARATOR = Pattern.compile(",(?=\\s*[A-Za-z_][A-Za-z0-9_.\\-]*\\s*=)");

    private AgentArguments() {
    }

    /** The non-blank pieces in the order written; a piece without '=' is the caller's to report. */
    static List<String> pieces(String agentArgs) {
        List<String> pieces = new ArrayList<>();
        if (agentArgs == null || agentArgs.isBlank()) {
            return pieces;
        }
        // A trailing comma ("a=1,") is a slip, not part of the last value.
        String trimmed = agentArgs.replaceFirst("[\\s,]+$", "");
        for (String piece : PAIR_SEPARATOR.split(trimmed, -1)) {
            if (!piece.isBlank()) {
                pieces.add(piece.trim());
            }
        }
        return pieces;
    }
}

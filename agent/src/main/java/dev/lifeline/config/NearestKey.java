package dev.lifeline.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * Suggests the known key a user probably meant. A misspelt key is otherwise silently ignored and
 * the default applies — exactly the failure nobody notices until the incident it was meant to stop.
 */
final class NearestKey {

    private NearestKey() {
    }

    /**
     * The candidate at the smallest case-insensitive edit distance, if close enough to be a typo:
     * at most a third of the candidate's length once its namespace ("lifeline." or "LIFELINE_",
     * which every key shares) is left out, and never less than 2 edits. Ties go to the earlier
     * candidate.
     */
    static Optional<String> among(String unknown, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String a = unknown.toLowerCase(Locale.ROOT);
        for (String candidate : candidates) {
            String b = candidate.toLowerCase(Locale.ROOT);
            int distance = distance(a, b);
            int allowed = Math.max(2, (b.length() - namespaceLength(b)) / 3);
            if (distance <= allowed && distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Levenshtein distance: insertions, deletions and substitutions each cost 1. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static int namespaceLength(String key) {
        int dot = key.indexOf('.');
        int underscore = key.indexOf('_');
        int end = dot < 0 ? underscore : underscore < 0 ? dot : Math.min(dot, underscore);
        return end + 1;
    }
}

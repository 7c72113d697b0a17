package dev.lifeline.jdbc;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What the text of a statement says about running it twice. Conservative by design: a statement
 * counts as read-only only when it plainly is one; anything doubtful is treated as a write.
 */
final class SqlText {

    /** Reads that still change something, or lock rows for a transaction that will not survive. */
    private static final String[] NOT_PLAIN = {
            " for update", " for no key update", " for share", " for key share",
            "nextval(", "setval(", " into ", "pg_advisory", "lo_", "dblink", "pg_notify", "set_config(",
            "pg_terminate_backend", "pg_cancel_backend", "txid_current", "pg_current_xact_id"
    };

    private SqlText() {
    }

    /** A plain {@code SELECT} (or {@code VALUES}/{@code SHOW}/{@code TABLE}) that cannot change data. */
    static boolean isPlainRead(String sql) {
        if (sql == null) {
            return false;
        }
        String text = stripLeadingNoise(sql);
        String lower = text.toLowerCase(Locale.ROOT);
        if (!(startsWithWord(lower, "select") || startsWithWord(lower, "values") || startsWithWord(lower, "show")
                || startsWithWord(lower, "table"))) {
            return false;
        }
        // A second statement after a semicolon could be anything.
        int semicolon = lower.indexOf(';');
        if (semicolon >= 0 && !lower.substring(semicolon + 1).trim().isEmpty()) {
            return false;
        }
        String spaced = " " + lower.replace('\n', ' ').replace('\r', ' ').replace('\t', ' ');
        for (String marker : NOT_PLAIN) {
            if (spaced.contains(marker)) {
                return false;
            }
        }
        return true;
    }

    /** Matches a configured {@code lifeline.jdbc.idempotentPatterns} entry. */
    static boolean matchesAny(String sql, List<Pattern> patterns) {
        if (sql == null || patterns.isEmpty()) {
            return false;
        }
        for (Pattern pattern : patterns) {
            if (pattern.matcher(sql).find()) {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWithWord(String text, String word) {
        return text.startsWith(word) && (text.length() == word.length() || !Character.isLetterOrDigit(text.charAt(word.length())));
    }

    /** Leading white space, comments and opening parentheses. */
    static String stripLeadingNoise(String sql) {
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c) || c == '(') {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else {
                break;
            }
        }
        return sql.substring(i);
    }
}

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

    /** What a session loses when it ends; a read-only transaction that used any of it is not replayed. */
    private static final String[] SESSION_STATE = {
            "pg_advisory", "set_config(", "pg_notify", "lo_", "currval(", "lastval("
    };

    /**
     * True when the statement leaves state in the session (or transaction) that a fresh session
     * would not have: {@code SET}/{@code SET LOCAL}/{@code RESET}, temporary tables, advisory
     * locks, {@code LISTEN}, cursors ({@code DECLARE}), prepared statements of SQL
     * ({@code PREPARE}), {@code LOCK}. Unknown text (null) counts as losing state.
     */
    static boolean losesSessionState(String sql) {
        if (sql == null) {
            return true;
        }
        String lower = stripLeadingNoise(sql).toLowerCase(Locale.ROOT);
        if (startsWithWord(lower, "set") || startsWithWord(lower, "reset") || startsWithWord(lower, "listen")
                || startsWithWord(lower, "declare") || startsWithWord(lower, "prepare") || startsWithWord(lower, "lock")
                || startsWithWord(lower, "discard") || startsWithWord(lower, "savepoint")
                || (startsWithWord(lower, "create") && (lower.contains(" temp ") || lower.contains(" temporary ")))) {
            return true;
        }
        for (String marker : SESSION_STATE) {
            if (lower.contains(marker)) {
                return true;
            }
        }
        return false;
    }

    /** {@code BEGIN} or {@code START TRANSACTION} sent as SQL (a transaction the driver does not manage). */
    static boolean beginsTransaction(String sql) {
        if (sql == null || sql.isEmpty()) {
            return false;
        }
        // Every autocommit statement comes here: one that starts with a letter other than B or S
        // (INSERT, SELECT's 'S' aside, UPDATE...) is answered from its first character.
        int lower = sql.charAt(0) | 0x20; // an ASCII letter in lower case; other characters stay outside a-z
        if (lower >= 'a' && lower <= 'z' && lower != 'b' && lower != 's') {
            return false;
        }
        int at = firstWord(sql);
        if (at < 0) {
            return false;
        }
        return wordAt(sql, at, "begin")
                || (wordAt(sql, at, "start") && sql.toLowerCase(Locale.ROOT).contains("transaction"));
    }

    /** {@code COMMIT}, {@code ROLLBACK}, {@code END} or {@code ABORT} sent as SQL. */
    static boolean endsTransaction(String sql) {
        int at = firstWord(sql);
        if (at < 0) {
            return false;
        }
        return wordAt(sql, at, "commit") || wordAt(sql, at, "end") || wordAt(sql, at, "abort")
                || (wordAt(sql, at, "rollback") && !sql.toLowerCase(Locale.ROOT).contains(" to "));
    }

    /**
     * Where the statement's first word starts, or -1; no allocation, since every autocommit
     * statement is looked at (is it a BEGIN?). Leading space, parentheses and comments are skipped.
     */
    private static int firstWord(String sql) {
        if (sql == null) {
            return -1;
        }
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
                return i;
            }
        }
        return -1;
    }

    /** {@code word} in lower case; its first two letters are compared first, as most statements differ there. */
    private static boolean wordAt(String sql, int at, String word) {
        int end = at + word.length();
        if (end > sql.length() || !sameLetter(sql.charAt(at), word.charAt(0))
                || !sameLetter(sql.charAt(at + 1), word.charAt(1))) {
            return false;
        }
        return sql.regionMatches(true, at, word, 0, word.length())
                && (end == sql.length() || !Character.isLetterOrDigit(sql.charAt(end)));
    }

    /** {@code c} is the lower-case ASCII letter {@code lower}, in either case. */
    private static boolean sameLetter(char c, char lower) {
        return c == lower || c == (char) (lower - ('a' - 'A'));
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
        int at = firstWord(sql);
        return at < 0 ? "" : sql.substring(at);
    }
}

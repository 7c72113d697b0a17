package dev.lifeline.metrics;

import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * What logs and {@code /health} may say about a failure: exception class names, the SQLState and
 * the HTTP status, and nothing else.
 *
 * <p>Exception messages are left out on purpose. They are written by drivers and servers for
 * developers and carry what must never reach an operator's log: bound parameter values
 * (PostgreSQL's "Key (email)=(alice@example.com) already exists"), URLs with query strings and
 * tokens, user names in authentication failures, and whatever the application put into a
 * request. The only exception is the JDK's own fixed socket phrases ("Connection reset",
 * "Connection refused", ...), which say the most useful thing and cannot contain a secret: they
 * are kept only when the whole message equals one of them.
 */
public final class FailureDescription {

    private static final Set<String> SAFE_MESSAGES = new HashSet<>(Arrays.asList(
            "connection reset", "connection reset by peer", "connection refused", "connection refused (connection refused)",
            "connection timed out", "connect timed out", "read timed out", "broken pipe", "broken pipe (write failed)",
            "socket closed", "socket is closed", "connection closed", "request timed out", "http connect timed out",
            "network is unreachable", "no route to host", "end of stream", "unexpected end of file from server",
            "header parser received no bytes", "http/1.1 header parser received no bytes"));

    private static final int MAX_CAUSES = 4;

    private FailureDescription() {
    }

    /**
     * E.g. {@code org.postgresql.util.PSQLException [SQLState 08006] <- java.net.SocketException:
     * Connection reset}.
     */
    public static String describe(Throwable failure) {
        if (failure == null) {
            return "(none)";
        }
        StringBuilder text = new StringBuilder(96);
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_CAUSES; depth++) {
            if (depth > 0) {
                text.append(" <- ");
            }
            text.append(t.getClass().getName());
            if (t instanceof SQLException && ((SQLException) t).getSQLState() != null) {
                text.append(" [SQLState ").append(safeCode(((SQLException) t).getSQLState())).append(']');
            }
            if (t instanceof HttpStatusFailure) {
                text.append(" [HTTP ").append(((HttpStatusFailure) t).httpStatus()).append(']');
            }
            String message = safeMessage(t);
            if (message != null) {
                text.append(": ").append(message);
            }
            Throwable cause = t.getCause();
            t = cause == t ? null : cause;
        }
        return text.toString();
    }

    /** The first SQLState in the cause chain, or null. */
    public static String sqlState(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException && ((SQLException) t).getSQLState() != null) {
                return safeCode(((SQLException) t).getSQLState());
            }
        }
        return null;
    }

    /** The first HTTP status in the cause chain, or 0. */
    public static int httpStatus(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth++ < 16; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpStatusFailure) {
                return ((HttpStatusFailure) t).httpStatus();
            }
        }
        return 0;
    }

    /** The message when it is exactly one of the JDK's fixed socket phrases, else null. */
    static String safeMessage(Throwable t) {
        String message = t.getMessage();
        if (message == null || message.length() > 60) {
            return null;
        }
        return SAFE_MESSAGES.contains(message.trim().toLowerCase(Locale.ROOT)) ? message.trim() : null;
    }

    /** SQLStates are five characters from [0-9A-Z]; anything else is not shown as it is. */
    private static String safeCode(String sqlState) {
        if (sqlState.length() == 5) {
            for (int i = 0; i < 5; i++) {
                char c = sqlState.charAt(i);
                if (!(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z')) {
                    return "?????";
                }
            }
            return sqlState;
        }
        return "?????";
    }
}

package dev.lifeline.jdbc;

/**
 * The statement half of the retry contract (DESIGN.md), as one pure function: given what failed
 * and what is known about the statement, may it run again, and where?
 *
 * <p>The SQLState alone proves nothing: 57P01 has been seen arriving after the statement's
 * CommandComplete, and pgjdbc's 08006 "I/O error while sending" looks the same whether the server
 * ran the statement or never saw it. So a write is re-executed only when the server provably did
 * not run it.
 */
enum ReplayDecision {
    /** Not a connection failure (a constraint violation, a syntax error...): the application sees it unchanged. */
    PASS_THROUGH,
    /** The server rolled the statement back (40001/40P01 in autocommit) and the connection is fine: run it again there. */
    REPLAY_SAME_CONNECTION,
    /** The connection is gone and the statement provably had no effect, or cannot change data: run it on a fresh one. */
    REPLAY_FRESH_CONNECTION,
    /** The connection is gone inside an explicit transaction: evict it; the application retries its own transaction. */
    FAIL_TRANSACTION_LOST,
    /** The connection is gone after a write was sent: evict it; the outcome is unknown and it is never re-executed. */
    FAIL_OUTCOME_UNKNOWN;

    /** What is known when a statement failed. */
    static final class Facts {
        boolean autoCommit = true;
        /** The session had no open transaction before the statement (a manual BEGIN in autocommit opens one). */
        boolean idleBefore = true;
        /** Plain SELECT, read-only connection, or a configured idempotent pattern. */
        boolean readOnly;
        /** {@code preferQueryMode=simple}: the server commits before CommandComplete, so "no result seen" proves nothing. */
        boolean simpleProtocol;
        /** A result message of this statement (CommandComplete, DataRow, ...) was read before the failure. */
        boolean resultSeen;
        /** The driver refused before sending anything (08003: the connection was already closed). */
        boolean deadBeforeSend;
        String sqlState;
        /** The server's severity (FATAL for a terminated session), when the driver exposes it. */
        String severity;
        /** An I/O failure (reset, EOF, broken pipe) anywhere in the cause chain. */
        boolean ioFailure;
    }

    static ReplayDecision decide(Facts f) {
        String state = f.sqlState == null ? "" : f.sqlState;
        boolean serverEndedSession = (state.equals("57P01") || state.equals("57P02") || state.equals("57P05"))
                && (f.severity == null || f.severity.equals("FATAL"));
        boolean connectionLost = state.startsWith("08") || serverEndedSession || f.ioFailure;

        if (!connectionLost) {
            if (f.autoCommit && f.idleBefore && (state.equals("40001") || state.equals("40P01"))) {
                return REPLAY_SAME_CONNECTION;
            }
            return PASS_THROUGH;
        }
        if (!f.autoCommit || !f.idleBefore) {
            return FAIL_TRANSACTION_LOST;
        }
        if (f.deadBeforeSend || f.readOnly) {
            return REPLAY_FRESH_CONNECTION;
        }
        if (serverEndedSession && !f.resultSeen && !f.simpleProtocol && f.severity != null) {
            return REPLAY_FRESH_CONNECTION;
        }
        return FAIL_OUTCOME_UNKNOWN;
    }
}

package dev.lifeline.jdbc;

import java.sql.Connection;

/**
 * The statement half of the retry contract (docs/DESIGN.md), as one pure function: given what
 * failed and what is known about the statement and its transaction, may it run again, and where?
 *
 * <p>The SQLState alone proves nothing: 57P01 has been seen arriving after the statement's
 * CommandComplete, and pgjdbc's 08006 "I/O error while sending" looks the same whether the server
 * ran the statement or never saw it. So a write is re-executed only when the server provably did
 * not make it durable:
 * <ul>
 *   <li>in autocommit, when the server ended the session before any result of the statement
 *       arrived (extended protocol: it commits at Sync, after CommandComplete);</li>
 *   <li>as the first statement of an explicit transaction, whatever the loss: no COMMIT was sent,
 *       so the server rolled back anything it did, and the transaction had nothing before it;</li>
 *   <li>in a read-only transaction at READ COMMITTED, every statement takes its own snapshot and
 *       holds nothing, so a fresh read-only transaction cannot be told apart from the lost one —
 *       unless the transaction used something the session loses (SET, temporary tables, advisory
 *       locks, LISTEN, a cursor still being read).</li>
 * </ul>
 * What the application or the driver did on purpose (abort, close, cancel, a network or query
 * timeout) is never undone.
 */
enum ReplayDecision {
    /** Not a connection failure, or one the application caused: the application sees it unchanged. */
    PASS_THROUGH,
    /** The server rolled the statement back (40001/40P01 in autocommit) and the connection is fine: run it again there. */
    REPLAY_SAME_CONNECTION,
    /** The connection is gone and running the statement again cannot lose or double anything: run it on a fresh one. */
    REPLAY_FRESH_CONNECTION,
    /**
     * As {@link #REPLAY_FRESH_CONNECTION} for a read-only transaction at the server's default
     * isolation: only if the fresh session says that default is READ COMMITTED.
     */
    REPLAY_FRESH_IF_READ_COMMITTED,
    /** The connection is gone inside a transaction that had done work: replace it; the application retries its transaction. */
    FAIL_TRANSACTION_LOST,
    /** The connection is gone after a write was sent in autocommit: replace it; the outcome is unknown, never re-executed. */
    FAIL_OUTCOME_UNKNOWN;

    boolean replaysOnFreshConnection() {
        return this == REPLAY_FRESH_CONNECTION || this == REPLAY_FRESH_IF_READ_COMMITTED;
    }

    /** What is known when a statement failed. */
    static final class Facts {
        /** The application aborted or closed the connection, cancelled the statement, or a timeout it set expired. */
        boolean deliberate;
        boolean autoCommit = true;
        /** In autocommit mode, the application opened a transaction with SQL (BEGIN) that is still open. */
        boolean sqlTransaction;
        /** The session had no open transaction before the statement (autocommit only). */
        boolean idleBefore = true;
        /** Nothing was sent in the current transaction before this statement. */
        boolean firstInTransaction;
        /** The connection is read-only ({@code setReadOnly(true)}, Spring's {@code readOnly = true}). */
        boolean readOnlyTransaction;
        /** The isolation the application set, or null for the server's default. */
        Integer isolation;
        /** The transaction ran SQL whose effect lives in the session only (SET, temp tables, advisory locks, LISTEN, cursors). */
        boolean transactionLosesState;
        /** A query of the transaction may still be open as a server-side cursor. */
        boolean cursorOpen;
        /** Plain SELECT, read-only connection, or a configured idempotent pattern. */
        boolean readOnly;
        /** {@code preferQueryMode=simple}: the server commits before CommandComplete, so "no result seen" proves nothing. */
        boolean simpleProtocol;
        /** A result message of this statement (CommandComplete, DataRow, ...) was read before the failure. */
        boolean resultSeen;
        String sqlState;
        /** The server's severity (FATAL for a terminated session), when the driver exposes it. */
        String severity;
        /** An I/O failure (reset, EOF, broken pipe) anywhere in the cause chain. */
        boolean ioFailure;
    }

    /**
     * The server ended the session: admin shutdown or termination, crash shutdown, idle session
     * timeout (57P01, 57P02, 57P05), as FATAL where the driver tells the severity (null: it does not).
     */
    static boolean serverEndedSession(String sqlState, String severity) {
        return (severity == null || severity.equals("FATAL"))
                && ("57P01".equals(sqlState) || "57P02".equals(sqlState) || "57P05".equals(sqlState));
    }

    static ReplayDecision decide(Facts f) {
        if (f.deliberate) {
            return PASS_THROUGH;
        }
        String state = f.sqlState == null ? "" : f.sqlState;
        boolean serverEndedSession = serverEndedSession(state, f.severity);
        // A connection failure is a loss from outside only with an I/O failure under it, or when
        // the server ended the session. Without one the driver raised it itself, on purpose:
        // 08003 for a connection it had closed, 08006 when it closes one whose client_encoding was
        // changed. The application sees those as without the agent.
        boolean connectionLost = (state.startsWith("08") && f.ioFailure) || serverEndedSession;

        boolean inTransaction = !f.autoCommit || f.sqlTransaction;
        if (!connectionLost) {
            if (!inTransaction && f.idleBefore && (state.equals("40001") || state.equals("40P01"))) {
                return REPLAY_SAME_CONNECTION;
            }
            return PASS_THROUGH;
        }
        if (inTransaction) {
            if (f.firstInTransaction) {
                return REPLAY_FRESH_CONNECTION;
            }
            if (f.readOnlyTransaction && !f.transactionLosesState && !f.cursorOpen) {
                if (f.isolation == null) {
                    return REPLAY_FRESH_IF_READ_COMMITTED;
                }
                if (f.isolation == Connection.TRANSACTION_READ_COMMITTED) {
                    return REPLAY_FRESH_CONNECTION;
                }
            }
            return FAIL_TRANSACTION_LOST;
        }
        if (!f.idleBefore) {
            return FAIL_TRANSACTION_LOST; // a transaction the driver saw open that Lifeline did not
        }
        if (f.readOnly) {
            return REPLAY_FRESH_CONNECTION;
        }
        if (serverEndedSession && !f.resultSeen && !f.simpleProtocol && f.severity != null) {
            return REPLAY_FRESH_CONNECTION;
        }
        return FAIL_OUTCOME_UNKNOWN;
    }
}

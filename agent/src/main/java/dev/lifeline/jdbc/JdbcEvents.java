package dev.lifeline.jdbc;

/**
 * What Lifeline did to connections and statements, for metrics, logs and a future shadow mode.
 * Targets are {@code host:port/database}; nothing here carries SQL text or parameter values.
 */
public interface JdbcEvents {

    /** A dead physical connection was replaced by a fresh one under the application's connection. */
    default void connectionReplaced(String target) {
    }

    /** A statement ran again after its connection failed in a way that proves it had no effect, or cannot change data. */
    default void statementReplayed(String target, String reason) {
    }

    /** A statement's connection was lost after a write was sent: not re-executed, outcome unknown. */
    default void outcomeUnknown(String target) {
    }

    /** A connection was lost inside an explicit transaction: evicted, the application retries its transaction. */
    default void transactionLost(String target) {
    }

    JdbcEvents NONE = new JdbcEvents() {
    };
}

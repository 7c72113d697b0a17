package dev.lifeline.jdbc;

import java.sql.SQLTransientConnectionException;

/**
 * No connection slot became free within {@code lifeline.jdbc.acquireTimeout}: the bounded wait of
 * incident 5 ran out. The application sees an {@link SQLTransientConnectionException}, the type
 * HikariCP uses for its own pool timeout, so existing handlers keep working.
 */
final class CapTimeoutException extends SQLTransientConnectionException {

    private static final long serialVersionUID = 1L;

    CapTimeoutException(String message) {
        // 08001: the client could not establish a connection.
        super(message, "08001");
    }
}

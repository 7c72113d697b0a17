package dev.lifeline.jdbc.hikari;

import dev.lifeline.jdbc.LostConnectionNote;

/**
 * Called at the entry of HikariCP's {@code ProxyConnection.checkException}, which evicts a
 * connection on SQLState class 08 or 57P0x and then answers every later call, {@code rollback()}
 * included, with "Connection is closed". For a transaction lost with its connection, Lifeline
 * replaces the physical connection under HikariCP's object itself: HikariCP keeping it lets the
 * application's rollback succeed, so Spring or Hibernate report the real cause instead of
 * "Unable to rollback against JDBC Connection". The broken socket is closed and never handed out
 * again; HikariCP's pool stays full, with no refill stall. Every other error is HikariCP's to judge.
 */
public final class HikariEviction {

    private HikariEviction() {
    }

    /** Non-null (the exception itself) means: return it without evicting; null runs HikariCP's own check. */
    public static Object keep(Object sqlException) {
        try {
            return sqlException instanceof Throwable && LostConnectionNote.healsInPlace((Throwable) sqlException)
                    ? sqlException : null;
        } catch (Throwable t) {
            return null; // fail-open: HikariCP decides as without Lifeline
        }
    }
}

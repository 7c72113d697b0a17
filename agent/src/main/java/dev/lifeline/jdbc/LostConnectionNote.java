package dev.lifeline.jdbc;

import java.sql.SQLException;

/**
 * Lifeline's explanation of a lost connection, attached to the driver's own exception as a
 * suppressed exception: the application gets the driver's exception as the driver made it (type,
 * SQLState, message, cause chain, and {@code initCause} still possible), and a log or a framework's
 * stack trace shows what Lifeline knows ("the outcome is unknown", "the transaction was lost").
 */
public final class LostConnectionNote extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The connection is replaced under the pool's object, so the pool need not evict it. */
    private final boolean healsInPlace;

    private LostConnectionNote(String message, boolean healsInPlace) {
        super(message, null, false, false);
        this.healsInPlace = healsInPlace;
    }

    static SQLException attach(SQLException failure, String explanation, boolean healsInPlace) {
        try {
            failure.addSuppressed(new LostConnectionNote(explanation, healsInPlace));
        } catch (RuntimeException refused) {
            // A driver exception that refuses suppression keeps its own story.
        }
        return failure;
    }

    /**
     * True when {@code failure} is a transaction lost with its connection, which Lifeline replaces
     * under the pool's object: HikariCP keeping the connection lets the application's
     * {@code rollback()} succeed (its proxy would answer "Connection is closed" once it evicted).
     */
    public static boolean healsInPlace(Throwable failure) {
        if (failure == null) {
            return false;
        }
        for (Throwable suppressed : failure.getSuppressed()) {
            if (suppressed instanceof LostConnectionNote && ((LostConnectionNote) suppressed).healsInPlace) {
                return true;
            }
        }
        return false;
    }
}

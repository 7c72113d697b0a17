package dev.lifeline.jdbc.pgjdbc;

import dev.lifeline.jdbc.JdbcThreadState;

/**
 * Called from pgjdbc's protocol reader ({@code PGStream.receiveChar}) with each message type the
 * driver reads. A result message of the statement proves the server ran it: a FATAL 57P01 after
 * CommandComplete has been seen, and replaying then would double a write.
 */
public final class ProtocolSignals {

    private ProtocolSignals() {
    }

    /**
     * 1 for a message that proves the server ran the statement, 0 otherwise. A {@code PGStream}
     * woven as it was defined adds this to its own count ({@link ResultCount}).
     */
    public static int weight(int messageType) {
        // A read returns a byte, 0 to 255: a mask and one load per message, no branch (the JIT
        // knows the table's length, so the mask proves the index in range). The mask also keeps
        // the end of the stream, -1, at 0.
        return WEIGHTS[messageType & 0xFF];
    }

    /**
     * CommandComplete 'C', DataRow 'D', EmptyQueryResponse 'I', PortalSuspended 's', CopyInResponse
     * 'G', CopyOutResponse 'H', CopyBothResponse 'W': 1 at their type byte.
     */
    private static final byte[] WEIGHTS = new byte[256];

    static {
        for (char type : "CDIsGHW".toCharArray()) {
            WEIGHTS[type] = 1;
        }
    }

    /** A {@code PGStream} loaded before Lifeline (retransformed, no field of its own): counted per thread. */
    public static void received(int messageType) {
        if (weight(messageType) != 0) {
            JdbcThreadState.resultMessageReceived();
        } else if (messageType == 'R') {
            // Authentication, read only while a session starts: this stream's reader is hooked.
            JdbcThreadState.hookedReadDuringConnect();
        }
    }

    /** A counting {@code PGStream} was constructed: the connect in progress on this thread takes it. */
    public static void streamCreated(Object stream) {
        try {
            JdbcThreadState.streamCreated(stream);
        } catch (RuntimeException bug) {
            // Fail-open: pgjdbc's connect goes on; this connection counts no results (writes are then not replayed).
        }
    }
}

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

    public static void received(int messageType) {
        switch (messageType) {
            case 'C': // CommandComplete
            case 'D': // DataRow
            case 'I': // EmptyQueryResponse
            case 's': // PortalSuspended
            case 'G': // CopyInResponse
            case 'H': // CopyOutResponse
            case 'W': // CopyBothResponse
                JdbcThreadState.resultMessageReceived();
                break;
            default:
                break;
        }
    }
}

package dev.lifeline.jdbc;

import dev.lifeline.jdbc.pgjdbc.ProtocolSignals;
import dev.lifeline.jdbc.pgjdbc.ResultCount;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * How a session learns which count of pgjdbc's result messages is its own: the stream pgjdbc
 * creates during the physical connect, or (a stream loaded before Lifeline) the thread's count,
 * known to be hooked because the connect read its authentication through it.
 */
class ProtocolSignalsTest {

    private final JdbcThreadState state = JdbcThreadState.current();

    @AfterEach
    void leaveTheThreadClean() {
        state.inDriverConnect = 0;
        state.clearCreatedStream();
        state.resultMessages = 0;
    }

    @Test
    void onlyResultMessagesWeigh() {
        for (char type : "CDIsGHW".toCharArray()) {
            assertEquals(1, ProtocolSignals.weight(type), String.valueOf(type));
        }
        for (char type : "ZERSKTtn1231A".toCharArray()) {
            assertEquals(0, ProtocolSignals.weight(type), String.valueOf(type));
        }
        // Every other value a read can return (the end of the stream -1 too), around the bit table's edges.
        String counted = "CDIsGHW";
        for (int type = -1; type < 256; type++) {
            assertEquals(counted.indexOf(type) >= 0 ? 1 : 0, ProtocolSignals.weight(type), "type " + type);
        }
    }

    /** A stand-in for a counting PGStream. */
    private static final ResultCount STREAM = () -> 0;

    @Test
    void aStreamCreatedDuringAConnectIsTakenOnceByThatConnection() {
        state.inDriverConnect = 1;
        ProtocolSignals.streamCreated(STREAM);
        state.inDriverConnect = 0;
        assertSame(STREAM, state.takeSessionCount(true));
        assertNull(state.takeSessionCount(true), "taken: no other connection gets it");
    }

    @Test
    void aStreamCreatedOutsideAConnectIsNotKept() {
        ProtocolSignals.streamCreated(STREAM); // pgjdbc's cancel request opens one
        assertNull(state.takeSessionCount(true));
    }

    @Test
    void aDriverWithoutProtocolSignalsHasNoCountEvenWithAStream() {
        state.inDriverConnect = 1;
        ProtocolSignals.streamCreated(STREAM);
        assertNull(state.takeSessionCount(false));
        assertNull(state.takeSessionCount(true), "forgotten all the same");
    }

    @Test
    void theLastStreamOfAConnectWinsAndANewConnectForgetsTheOldOne() {
        ResultCount refusedSsl = () -> 0;
        state.inDriverConnect = 1;
        ProtocolSignals.streamCreated(refusedSsl);
        ProtocolSignals.streamCreated(STREAM);
        assertSame(STREAM, state.takeSessionCount(true));

        ProtocolSignals.streamCreated(STREAM);
        state.clearCreatedStream(); // the next physical connect starts
        assertNull(state.takeSessionCount(true));
    }

    @Test
    void thePerThreadReaderIsKnownHookedOnlyWhenItReadTheConnectsAuthentication() {
        ProtocolSignals.received('R');
        assertNull(state.takeSessionCount(true), "outside a connect");
        state.inDriverConnect = 1;
        ProtocolSignals.received('Z');
        assertNull(state.takeSessionCount(true), "ReadyForQuery alone says nothing about the start of a session");
        ProtocolSignals.received('R');
        assertSame(JdbcThreadState.PER_THREAD, state.takeSessionCount(true));
        assertNull(state.takeSessionCount(true), "taken once");
    }

    @Test
    void thePerThreadCountRisesOnResultMessagesOnly() {
        int before = JdbcThreadState.PER_THREAD.lifeline$resultMessages();
        ProtocolSignals.received('1');
        ProtocolSignals.received('2');
        ProtocolSignals.received('D');
        ProtocolSignals.received('D');
        ProtocolSignals.received('C');
        ProtocolSignals.received('Z');
        assertEquals(3, JdbcThreadState.PER_THREAD.lifeline$resultMessages() - before);
    }
}

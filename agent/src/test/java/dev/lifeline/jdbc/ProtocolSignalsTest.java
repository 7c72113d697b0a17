package dev.lifeline.jdbc;

import dev.lifeline.jdbc.pgjdbc.ProtocolSignals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    }

    @Test
    void aStreamCreatedDuringAConnectIsTakenOnceByThatConnection() {
        Object stream = new Object();
        state.inDriverConnect = 1;
        ProtocolSignals.streamCreated(stream);
        state.inDriverConnect = 0;
        assertSame(stream, state.takeCreatedStream());
        assertNull(state.takeCreatedStream(), "taken: no other connection gets it");
    }

    @Test
    void aStreamCreatedOutsideAConnectIsNotKept() {
        ProtocolSignals.streamCreated(new Object()); // pgjdbc's cancel request opens one
        assertNull(state.takeCreatedStream());
    }

    @Test
    void theLastStreamOfAConnectWinsAndANewConnectForgetsTheOldOne() {
        Object refusedSsl = new Object();
        Object used = new Object();
        state.inDriverConnect = 1;
        ProtocolSignals.streamCreated(refusedSsl);
        ProtocolSignals.streamCreated(used);
        assertSame(used, state.takeCreatedStream());

        ProtocolSignals.streamCreated(new Object());
        state.clearCreatedStream(); // the next physical connect starts
        assertNull(state.takeCreatedStream());
    }

    @Test
    void thePerThreadReaderIsKnownHookedOnlyWhenItReadTheConnectsAuthentication() {
        ProtocolSignals.received('R');
        assertFalse(state.takeHookedRead(), "outside a connect");
        state.inDriverConnect = 1;
        ProtocolSignals.received('Z');
        assertFalse(state.takeHookedRead(), "ReadyForQuery alone says nothing about the start of a session");
        ProtocolSignals.received('R');
        assertTrue(state.takeHookedRead());
        assertFalse(state.takeHookedRead(), "taken once");
    }

    @Test
    void thePerThreadCountRisesOnResultMessagesOnly() {
        ProtocolSignals.received('1');
        ProtocolSignals.received('2');
        ProtocolSignals.received('D');
        ProtocolSignals.received('D');
        ProtocolSignals.received('C');
        ProtocolSignals.received('Z');
        assertEquals(3, state.resultMessages);
    }
}

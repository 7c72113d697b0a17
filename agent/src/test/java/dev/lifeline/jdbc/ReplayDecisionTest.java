package dev.lifeline.jdbc;

import org.junit.jupiter.api.Test;

import java.sql.Connection;

import static dev.lifeline.jdbc.ReplayDecision.FAIL_OUTCOME_UNKNOWN;
import static dev.lifeline.jdbc.ReplayDecision.FAIL_TRANSACTION_LOST;
import static dev.lifeline.jdbc.ReplayDecision.PASS_THROUGH;
import static dev.lifeline.jdbc.ReplayDecision.REPLAY_FRESH_CONNECTION;
import static dev.lifeline.jdbc.ReplayDecision.REPLAY_FRESH_IF_READ_COMMITTED;
import static dev.lifeline.jdbc.ReplayDecision.REPLAY_SAME_CONNECTION;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ReplayDecisionTest {

    private static final String[] LOSSES = {"57P01", "57P02", "57P05", "08006", "08001", "08S01"};

    private static ReplayDecision.Facts write(String sqlState) {
        ReplayDecision.Facts facts = new ReplayDecision.Facts();
        facts.sqlState = sqlState;
        facts.severity = sqlState.startsWith("57P") ? "FATAL" : null;
        facts.ioFailure = sqlState.startsWith("08");
        return facts;
    }

    /** A statement inside an explicit transaction (setAutoCommit(false)) that had already run others. */
    private static ReplayDecision.Facts midTransaction(String sqlState) {
        ReplayDecision.Facts facts = write(sqlState);
        facts.autoCommit = false;
        facts.firstInTransaction = false;
        return facts;
    }

    // ---------------------------------------------------------------- autocommit

    @Test
    void aWriteWhoseSessionTheServerEndedBeforeAnyResultIsReplayedOnAFreshConnection() {
        assertEquals(REPLAY_FRESH_CONNECTION, ReplayDecision.decide(write("57P01")));
        assertEquals(REPLAY_FRESH_CONNECTION, ReplayDecision.decide(write("57P02")));
        assertEquals(REPLAY_FRESH_CONNECTION, ReplayDecision.decide(write("57P05")));
    }

    @Test
    void aFatalArrivingAfterTheStatementsCommandCompleteIsNeverReplayed() {
        ReplayDecision.Facts facts = write("57P01");
        facts.resultSeen = true;
        assertEquals(FAIL_OUTCOME_UNKNOWN, ReplayDecision.decide(facts));
    }

    @Test
    void theSqlStateAloneProvesNothingWithoutTheServersSeverity() {
        ReplayDecision.Facts facts = write("57P01");
        facts.severity = null;
        assertEquals(FAIL_OUTCOME_UNKNOWN, ReplayDecision.decide(facts));
        facts.severity = "ERROR";
        // 57P01 at ERROR is not a terminated session: nothing was lost, nothing to do.
        assertEquals(PASS_THROUGH, ReplayDecision.decide(facts));
    }

    @Test
    void writesAreNeverReplayedInTheSimpleQueryProtocol() {
        ReplayDecision.Facts facts = write("57P01");
        facts.simpleProtocol = true;
        assertEquals(FAIL_OUTCOME_UNKNOWN, ReplayDecision.decide(facts));
    }

    @Test
    void anIoErrorAfterAWriteWasSentHasAnUnknownOutcome() {
        assertEquals(FAIL_OUTCOME_UNKNOWN, ReplayDecision.decide(write("08006")));
    }

    @Test
    void aReadIsReplayedAfterAnyConnectionFailure() {
        ReplayDecision.Facts facts = write("08006");
        facts.readOnly = true;
        assertEquals(REPLAY_FRESH_CONNECTION, ReplayDecision.decide(facts));
        facts.resultSeen = true;
        assertEquals(REPLAY_FRESH_CONNECTION, ReplayDecision.decide(facts));
    }

    @Test
    void aConnectionTheDriverClosedItselfIsNotRecovered() {
        // 08003 means the driver closed the connection before Lifeline saw any failure: client_encoding
        // changed, a network timeout, the application's own close.
        ReplayDecision.Facts facts = write("08003");
        facts.ioFailure = false;
        facts.readOnly = true;
        assertEquals(PASS_THROUGH, ReplayDecision.decide(facts));
    }

    @Test
    void aConnectionFailureTheDriverRaisedWithoutTheNetworkIsNotALoss() {
        // pgjdbc closes the connection itself, 08006 without an I/O cause, when client_encoding changes.
        ReplayDecision.Facts facts = write("08006");
        facts.ioFailure = false;
        assertEquals(PASS_THROUGH, ReplayDecision.decide(facts));
        facts.autoCommit = false;
        assertEquals(PASS_THROUGH, ReplayDecision.decide(facts));
    }

    @Test
    void aManualBeginInAutocommitCountsAsATransaction() {
        ReplayDecision.Facts facts = write("57P01");
        facts.idleBefore = false;
        assertEquals(FAIL_TRANSACTION_LOST, ReplayDecision.decide(facts));
    }

    @Test
    void theFirstStatementAfterAManualBeginIsReplayedWithThatBegin() {
        ReplayDecision.Facts facts = write("08006");
        facts.sqlTransaction = true;
        facts.idleBefore = false;
        facts.firstInTransaction = true;
        assertEquals(REPLAY_FRESH_CONNECTION, ReplayDecision.decide(facts));
        facts.firstInTransaction = false;
        assertEquals(FAIL_TRANSACTION_LOST, ReplayDecision.decide(facts));
    }

    @Test
    void serializationFailuresAndDeadlocksInAutocommitRunAgainOnTheSameConnection() {
        assertEquals(REPLAY_SAME_CONNECTION, ReplayDecision.decide(write("40001")));
        assertEquals(REPLAY_SAME_CONNECTION, ReplayDecision.decide(write("40P01")));
        ReplayDecision.Facts inTransaction = write("40001");
        inTransaction.autoCommit = false;
        inTransaction.firstInTransaction = true;
        assertEquals(PASS_THROUGH, ReplayDecision.decide(inTransaction));
    }

    @Test
    void ordinaryErrorsPassThroughUntouched() {
        assertEquals(PASS_THROUGH, ReplayDecision.decide(write("23505")));
        assertEquals(PASS_THROUGH, ReplayDecision.decide(write("42P01")));
        assertEquals(PASS_THROUGH, ReplayDecision.decide(write("57014"))); // cancel or statement timeout
    }

    // ---------------------------------------------------------------- what the application did on purpose

    @Test
    void nothingTheApplicationEndedOnPurposeIsReplayed() {
        for (String state : LOSSES) {
            ReplayDecision.Facts read = write(state);
            read.readOnly = true;
            read.deliberate = true; // aborted, closed, cancelled, or its network timeout expired
            assertEquals(PASS_THROUGH, ReplayDecision.decide(read), state);
            ReplayDecision.Facts first = write(state);
            first.autoCommit = false;
            first.firstInTransaction = true;
            first.deliberate = true;
            assertEquals(PASS_THROUGH, ReplayDecision.decide(first), state);
        }
    }

    // ---------------------------------------------------------------- explicit transactions

    @Test
    void theFirstStatementOfATransactionIsReplayedWhateverTheLoss() {
        // No COMMIT was sent: whatever the server did was rolled back, and nothing came before it.
        for (String state : LOSSES) {
            ReplayDecision.Facts facts = write(state);
            facts.autoCommit = false;
            facts.firstInTransaction = true;
            facts.resultSeen = true;
            facts.simpleProtocol = true;
            assertEquals(REPLAY_FRESH_CONNECTION, ReplayDecision.decide(facts), state);
        }
    }

    @Test
    void aLossInTheMiddleOfAReadWriteTransactionIsNeverReplayed() {
        for (String state : LOSSES) {
            ReplayDecision.Facts facts = midTransaction(state);
            assertEquals(FAIL_TRANSACTION_LOST, ReplayDecision.decide(facts), state);
            facts.readOnly = true; // a plain SELECT, but the transaction may have written before it
            assertEquals(FAIL_TRANSACTION_LOST, ReplayDecision.decide(facts), state);
        }
    }

    @Test
    void aReadOnlyTransactionAtReadCommittedIsReplayedMidway() {
        ReplayDecision.Facts facts = midTransaction("57P01");
        facts.readOnlyTransaction = true;
        facts.isolation = Connection.TRANSACTION_READ_COMMITTED;
        assertEquals(REPLAY_FRESH_CONNECTION, ReplayDecision.decide(facts));
        facts.isolation = null; // the server's default: checked on the fresh session
        assertEquals(REPLAY_FRESH_IF_READ_COMMITTED, ReplayDecision.decide(facts));
    }

    @Test
    void aReadOnlyTransactionAtRepeatableReadOrSerializableIsReplayedOnlyAtItsFirstStatement() {
        for (int isolation : new int[]{Connection.TRANSACTION_REPEATABLE_READ, Connection.TRANSACTION_SERIALIZABLE}) {
            ReplayDecision.Facts facts = midTransaction("57P01");
            facts.readOnlyTransaction = true;
            facts.isolation = isolation;
            assertEquals(FAIL_TRANSACTION_LOST, ReplayDecision.decide(facts));
            facts.firstInTransaction = true;
            assertEquals(REPLAY_FRESH_CONNECTION, ReplayDecision.decide(facts));
        }
    }

    @Test
    void aReadOnlyTransactionThatUsedSessionStateOrHoldsACursorIsNotReplayed() {
        ReplayDecision.Facts set = midTransaction("08006");
        set.readOnlyTransaction = true;
        set.isolation = Connection.TRANSACTION_READ_COMMITTED;
        set.transactionLosesState = true; // SET LOCAL, a temporary table, an advisory lock, LISTEN...
        assertEquals(FAIL_TRANSACTION_LOST, ReplayDecision.decide(set));
        ReplayDecision.Facts cursor = midTransaction("08006");
        cursor.readOnlyTransaction = true;
        cursor.isolation = Connection.TRANSACTION_READ_COMMITTED;
        cursor.cursorOpen = true; // a result set of the lost transaction may still be being read
        assertEquals(FAIL_TRANSACTION_LOST, ReplayDecision.decide(cursor));
    }

    @Test
    void errorsThatAreNotLossesPassThroughInsideTransactions() {
        ReplayDecision.Facts facts = midTransaction("23505");
        facts.ioFailure = false;
        assertEquals(PASS_THROUGH, ReplayDecision.decide(facts));
    }
}

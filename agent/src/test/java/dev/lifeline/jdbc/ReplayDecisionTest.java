package dev.lifeline.jdbc;

import org.junit.jupiter.api.Test;

import static dev.lifeline.jdbc.ReplayDecision.FAIL_OUTCOME_UNKNOWN;
import static dev.lifeline.jdbc.ReplayDecision.FAIL_TRANSACTION_LOST;
import static dev.lifeline.jdbc.ReplayDecision.PASS_THROUGH;
import static dev.lifeline.jdbc.ReplayDecision.REPLAY_FRESH_CONNECTION;
import static dev.lifeline.jdbc.ReplayDecision.REPLAY_SAME_CONNECTION;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ReplayDecisionTest {

    private static ReplayDecision.Facts write(String sqlState) {
        ReplayDecision.Facts facts = new ReplayDecision.Facts();
        facts.sqlState = sqlState;
        facts.severity = sqlState.startsWith("57P") ? "FATAL" : null;
        return facts;
    }

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
        ReplayDecision.Facts facts = write("08006");
        facts.ioFailure = true;
        assertEquals(FAIL_OUTCOME_UNKNOWN, ReplayDecision.decide(facts));
    }

    @Test
    void aReadIsReplayedAfterAnyConnectionFailure() {
        ReplayDecision.Facts facts = write("08006");
        facts.ioFailure = true;
        facts.readOnly = true;
        assertEquals(REPLAY_FRESH_CONNECTION, ReplayDecision.decide(facts));
        facts.resultSeen = true;
        assertEquals(REPLAY_FRESH_CONNECTION, ReplayDecision.decide(facts));
    }

    @Test
    void aConnectionFoundClosedBeforeSendingIsReplacedAndTheWriteRuns() {
        ReplayDecision.Facts facts = write("08003");
        facts.deadBeforeSend = true;
        assertEquals(REPLAY_FRESH_CONNECTION, ReplayDecision.decide(facts));
    }

    @Test
    void nothingIsReplayedInsideAnExplicitTransaction() {
        for (String state : new String[]{"57P01", "08006", "08003"}) {
            ReplayDecision.Facts facts = write(state);
            facts.autoCommit = false;
            facts.readOnly = true;
            facts.deadBeforeSend = true;
            assertEquals(FAIL_TRANSACTION_LOST, ReplayDecision.decide(facts), state);
        }
    }

    @Test
    void aManualBeginInAutocommitCountsAsATransaction() {
        ReplayDecision.Facts facts = write("57P01");
        facts.idleBefore = false;
        assertEquals(FAIL_TRANSACTION_LOST, ReplayDecision.decide(facts));
    }

    @Test
    void serializationFailuresAndDeadlocksInAutocommitRunAgainOnTheSameConnection() {
        assertEquals(REPLAY_SAME_CONNECTION, ReplayDecision.decide(write("40001")));
        assertEquals(REPLAY_SAME_CONNECTION, ReplayDecision.decide(write("40P01")));
        ReplayDecision.Facts inTransaction = write("40001");
        inTransaction.autoCommit = false;
        assertEquals(PASS_THROUGH, ReplayDecision.decide(inTransaction));
    }

    @Test
    void ordinaryErrorsPassThroughUntouched() {
        assertEquals(PASS_THROUGH, ReplayDecision.decide(write("23505")));
        assertEquals(PASS_THROUGH, ReplayDecision.decide(write("42P01")));
    }
}

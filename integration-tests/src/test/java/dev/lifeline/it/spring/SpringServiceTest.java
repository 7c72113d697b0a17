package dev.lifeline.it.spring;

import dev.lifeline.demo.db.Database;
import dev.lifeline.demo.run.ChildJvm;
import dev.lifeline.demo.spring.Fault;
import dev.lifeline.demo.spring.FailureCause;
import dev.lifeline.demo.spring.Phase;
import dev.lifeline.demo.spring.PhaseResult;
import dev.lifeline.demo.spring.ServiceLoad;
import dev.lifeline.demo.spring.ServiceUnderFaults;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12's proof: a stock Spring Boot service (Spring Data JPA/Hibernate, HikariCP, pgjdbc, its
 * executable fat jar started with {@code java -jar}) under real faults of a real PostgreSQL, driven
 * by 4 concurrent HTTP clients, once without and once with {@code -javaagent} at defaults.
 *
 * <p>Phases: (a) one random backend of the service terminated every 300 ms; (b) all of them every
 * 300 ms; (c) the server stopped and started again after 1 s, then after 5 s; (d) the server's
 * idle_session_timeout (1 s) below the clients' idle gaps (1.5 s).
 */
class SpringServiceTest {

    private static final int CLIENTS = 4;
    private static final long SEED = 20261201L;
    private static Database database;
    private static ServiceUnderFaults.Run without;
    private static ServiceUnderFaults.Run with;

    @BeforeAll
    static void runTheServiceWithoutAndWithTheAgent() throws Exception {
        database = Database.restartable(Collections.emptyMap());
        without = ServiceUnderFaults.run(database, ChildJvm.withoutAgent(), false, "without", phases(), CLIENTS, SEED,
                phase -> System.out.println("[without] " + phase.describe()));
        with = ServiceUnderFaults.run(database, ChildJvm.withAgent(""), true, "with", phases(), CLIENTS, SEED,
                phase -> System.out.println("[with] " + phase.describe()));
        System.out.println(without.describe());
        System.out.println(with.describe());
        // The services' logs and every failed request in full, for whoever reads a failure of this test.
        without.writeTo(Paths.get("target", "spring-service", "without"));
        with.writeTo(Paths.get("target", "spring-service", "with"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (database != null) {
            database.close();
        }
    }

    static List<Phase> phases() {
        return Arrays.asList(
                Phase.busy("baseline", Fault.none(), Duration.ofSeconds(3)),
                Phase.busy("a", Fault.terminateOneBackendEvery(Duration.ofMillis(300)), Duration.ofSeconds(12)),
                Phase.busy("b", Fault.terminateAllBackendsEvery(Duration.ofMillis(300)), Duration.ofSeconds(12)),
                Phase.busyWithVisitors("c", Fault.restarts(Duration.ofSeconds(2), Duration.ofSeconds(3),
                        Duration.ofSeconds(1), Duration.ofSeconds(5)), Duration.ofSeconds(12), Duration.ofMillis(250)),
                Phase.idleGaps("d", Fault.idleSessionTimeout(Duration.ofSeconds(1)), Duration.ofSeconds(12), Duration.ofMillis(1500)));
    }

    @Test
    void theFaultsReallyHappened() {
        for (ServiceUnderFaults.Run run : runs()) {
            assertTrue(run.phase("a").faults.backendsTerminated() > 10, run.describe());
            assertTrue(run.phase("b").faults.backendsTerminated() > 10, run.describe());
            assertEquals(2, run.phase("c").faults.outages().size(), run.describe());
            assertFalse(run.phase("c").startedWhileDown().isEmpty(), "requests must start while the server is down: " + run.describe());
            assertTrue(run.phase("d").faults.backendsTerminated() > 0, "the server must have ended idle sessions: " + run.describe());
            for (PhaseResult phase : run.phases) {
                assertFalse(phase.of(ServiceLoad.Kind.WRITE).isEmpty(), phase.describe());
                assertFalse(phase.of(ServiceLoad.Kind.READ).isEmpty(), phase.describe());
                assertFalse(phase.of(ServiceLoad.Kind.QUERY).isEmpty(), phase.describe());
            }
        }
    }

    @Test
    void onAGoodDayNoRequestFailsWithoutOrWithTheAgent() {
        for (ServiceUnderFaults.Run run : runs()) {
            assertEquals(List.of(), errors(run.phase("baseline").failed()), run.describe());
        }
    }

    @Test
    void withoutTheAgentTheServiceFailsRequestsUnderEveryFaultThatCanReachIt() {
        // (d) is not among them: HikariCP validates a connection idle for more than 500 ms before it hands
        // it out, so with 1.5 s gaps it never hands out one the server has ended.
        for (String phase : List.of("a", "b", "c")) {
            assertFalse(without.phase(phase).failed().isEmpty(), "phase " + phase + " must fail requests: " + without.describe());
        }
    }

    @Test
    void withTheAgentNoReadFailsUnderAnyFault() {
        for (String phase : List.of("a", "b", "c", "d")) {
            assertEquals(List.of(), errors(with.phase(phase).failedReads()),
                    "phase " + phase + ": repository reads and JdbcTemplate queries\n" + with.describe());
        }
    }

    @Test
    void withTheAgentNoRequestFailsWhenTheServerEndsIdleSessions() {
        assertEquals(List.of(), errors(with.phase("d").failed()), with.describe());
    }

    @Test
    void withTheAgentARequestThatStartsWhileTheServerIsDownWaitsAndSucceeds() {
        PhaseResult c = with.phase("c");
        assertFalse(c.startedWhileDown().isEmpty(), c.describe());
        List<String> failed = new ArrayList<>();
        for (ServiceLoad.Request r : c.startedWhileDown()) {
            if (!r.ok()) {
                failed.add(r.kind + " " + r.cause().summary());
            }
        }
        assertEquals(List.of(), failed, c.describe());
    }

    @Test
    void withTheAgentDuringARestartOnlyAWriteInFlightAtTheStopMayFail() {
        PhaseResult c = with.phase("c");
        List<String> others = new ArrayList<>();
        for (ServiceLoad.Request r : c.failed()) {
            if (r.kind != ServiceLoad.Kind.WRITE || !c.inFlightAtAStop(r)) {
                others.add(r.kind + " " + r.cause().summary());
            }
        }
        assertEquals(List.of(), others, c.describe());
    }

    @Test
    void withTheAgentAWriteFailsOnlyWhenTheConnectionWasLostInTheMiddleOfItsTransaction() {
        for (String phase : List.of("a", "b", "c")) {
            PhaseResult p = with.phase(phase);
            List<String> notMidTransaction = new ArrayList<>();
            for (ServiceLoad.Request r : p.failed(ServiceLoad.Kind.WRITE)) {
                FailureCause cause = r.cause();
                if (!cause.lostMidTransaction()) {
                    notMidTransaction.add(cause.summary());
                }
            }
            System.out.println("with the agent, phase " + phase + ": " + p.failed(ServiceLoad.Kind.WRITE).size()
                    + " writes failed by a loss in the middle of their transaction");
            assertEquals(List.of(), notMidTransaction, "phase " + phase + ": every failed write must be a transaction the loss cut "
                    + "in the middle (the first statement is replayed)\n" + p.describe());
        }
    }

    /**
     * Every error names the loss itself, and a broken connection is never handed out again: no
     * request fails on a connection that was already closed ("Connection is closed", 08003). A
     * connection whose transaction was lost is replaced by Lifeline under HikariCP's object (which
     * lets the rollback succeed); any other loss is evicted by HikariCP.
     */
    @Test
    void withTheAgentEveryFailedRequestNamesItsCauseAndNoBrokenConnectionIsReused() {
        List<String> unnamed = new ArrayList<>();
        List<String> reused = new ArrayList<>();
        for (PhaseResult p : with.phases) {
            for (ServiceLoad.Request r : p.failed()) {
                FailureCause cause = r.cause();
                String chain = String.join(" <- ", cause.chain);
                if (!cause.namesItsCause()) {
                    unnamed.add(p.phase.name + " " + r.kind + " " + chain);
                }
                if (chain.contains("Connection is closed") || chain.contains("This connection has been closed")) {
                    reused.add(p.phase.name + " " + r.kind + " " + chain);
                }
            }
        }
        assertEquals(List.of(), unnamed, "the error the client gets must name the lost connection, not only a failed rollback");
        assertEquals(List.of(), reused, "a connection found broken is never handed out again");
    }

    @Test
    void noAcknowledgedWriteIsLostAndNoWriteIsDoubled() {
        for (ServiceUnderFaults.Run run : runs()) {
            for (PhaseResult p : run.phases) {
                assertEquals(0, p.audit.lost, (run.agent ? "with" : "without") + " the agent, phase " + p.phase.name + ": " + p.audit);
                assertEquals(0, p.audit.doubled, (run.agent ? "with" : "without") + " the agent, phase " + p.phase.name + ": " + p.audit);
                assertTrue(p.audit.acknowledged > 0, p.describe());
            }
        }
    }

    private static List<ServiceUnderFaults.Run> runs() {
        return List.of(without, with);
    }

    private static List<String> errors(List<ServiceLoad.Request> failed) {
        List<String> errors = new ArrayList<>();
        for (ServiceLoad.Request r : failed) {
            errors.add(r.kind + " " + r.cause().summary());
        }
        return errors;
    }
}

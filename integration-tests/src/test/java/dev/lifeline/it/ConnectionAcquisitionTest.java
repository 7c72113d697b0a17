package dev.lifeline.it;

import dev.lifeline.demo.db.Database;
import dev.lifeline.demo.run.ChildJvm;
import dev.lifeline.demo.proxy.FaultProxy;
import dev.lifeline.demo.workload.AcquireWorkload;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The acquisition half of the retry contract, black-box: an ordinary JDBC application in a child
 * JVM, once without and once with the agent, against a real PostgreSQL behind a fault proxy.
 */
class ConnectionAcquisitionTest {

    private static Database database;
    private static FaultProxy proxy;

    @BeforeAll
    static void startDatabase() throws Exception {
        database = Database.embedded();
        proxy = FaultProxy.start(database.host(), database.port());
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (database != null) {
            database.close();
        }
    }

    private static String proxiedUrl() {
        return database.urlVia(proxy.host(), proxy.port());
    }

    /** (a) Incident 5's refusals, 1 s at a time: without the agent operations fail, with it none do. */
    @Test
    void everyOperationSucceedsWhileTheServerRefusesConnectionsForASecondAtATime() throws Exception {
        String[] workload = {"url=" + proxiedUrl(), "threads=3", "ops=25", "holdMs=0", "pauseMs=100"};

        ChildJvm.Result without = underRepeatedRefusals(() -> ChildJvm.withoutAgent().run(AcquireWorkload.class, 120, workload));
        assertTrue(without.resultInt("failed") > 0, "without the agent some operations must fail: " + without);

        // At defaults: acquisition keeps trying for lifeline.jdbc.acquireRetryFor (30 s), one caller probing.
        ChildJvm.Result with = underRepeatedRefusals(() -> ChildJvm.withAgent("").run(AcquireWorkload.class, 120, workload));
        assertEquals(0, with.resultInt("failed"), "with the agent no operation may fail: " + with);
        assertEquals(75, with.resultInt("ok"), with.toString());
    }

    /** (d) An outage longer than the acquisition window: the original SQLState, earlier attempts suppressed, on time. */
    @Test
    void anOutageLongerThanTheDeadlineGivesTheOriginalSqlStateWithinTheDeadline() throws Exception {
        String[] workload = {"url=" + proxiedUrl(), "threads=1", "ops=1", "holdMs=0"};
        proxy.refuseConnections(true);
        try {
            ChildJvm.Result without = ChildJvm.withoutAgent().run(AcquireWorkload.class, 60, workload);
            ChildJvm.Result with = ChildJvm
                    .withAgent("lifeline.jdbc.acquireRetryFor=2s")
                    .run(AcquireWorkload.class, 60, workload);

            String plain = single(without.lines("FAILURE "), without);
            String retried = single(with.lines("FAILURE "), with);
            assertEquals(ChildJvm.field(plain, "type"), ChildJvm.field(retried, "type"), "same exception type");
            assertEquals(ChildJvm.field(plain, "sqlstate"), ChildJvm.field(retried, "sqlstate"), "same SQLState");
            assertTrue(ChildJvm.field(plain, "sqlstate").startsWith("08"), plain);
            assertEquals("0", ChildJvm.field(plain, "suppressed"), plain);
            assertTrue(Integer.parseInt(ChildJvm.field(retried, "suppressed")) >= 2,
                    "earlier attempts are attached as suppressed exceptions: " + retried);
            long elapsed = Long.parseLong(ChildJvm.field(retried, "elapsedMs"));
            // Acquisition rides out the whole window (a last attempt at its end), never much past it.
            assertTrue(elapsed >= 1_900 && elapsed <= 2_000 + 1_000, "gave up at the 2 s window, after trying: " + retried);
        } finally {
            proxy.refuseConnections(false);
        }
    }

    /** (c) A bad value: one clear line and the application runs; with lifeline.strict=true it refuses to start. */
    @Test
    void anInvalidSettingIsReportedOnOneLineAndStrictModeRefusesToStart() throws Exception {
        String[] workload = {"url=" + database.url(), "threads=1", "ops=1", "holdMs=0"};

        ChildJvm.Result lenient = ChildJvm.withAgent("lifeline.retry.maxAttempts=abc").run(AcquireWorkload.class, 60, workload);
        assertEquals(0, lenient.exitCode, lenient.toString());
        assertEquals(1, lenient.resultInt("ok"), lenient.toString());
        List<String> lines = lenient.lifelineLines();
        assertEquals(1, lines.size(), "exactly one line: " + lines);
        assertTrue(lines.get(0).contains("lifeline.retry.maxAttempts") && lines.get(0).contains("'abc'")
                && lines.get(0).contains("1 to 100"), lines.get(0));

        ChildJvm.Result strict = ChildJvm.withAgent("lifeline.retry.maxAttempts=abc,lifeline.strict=true")
                .run(AcquireWorkload.class, 60, workload);
        assertTrue(strict.exitCode != 0, "strict mode must refuse to start: " + strict);
        assertTrue(strict.lines("RESULT").isEmpty(), "the application must not have run: " + strict);
        assertTrue(String.join("\n", strict.stderr).contains("refusing to start"), strict.toString());
    }

    private interface Run {
        ChildJvm.Result run() throws Exception;
    }

    /** Refuses new connections for 1 s, accepts for 0.5 s, again and again while the application runs. */
    private static ChildJvm.Result underRepeatedRefusals(Run run) throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        Thread faults = new Thread(() -> {
            try {
                while (!done.get()) {
                    proxy.refuseConnections(true);
                    Thread.sleep(1_000);
                    proxy.refuseConnections(false);
                    Thread.sleep(500);
                }
            } catch (InterruptedException ignored) {
                // test finished
            } finally {
                proxy.refuseConnections(false);
            }
        }, "refusals");
        faults.start();
        try {
            return run.run();
        } finally {
            done.set(true);
            faults.interrupt();
            faults.join();
        }
    }

    private static String single(List<String> lines, ChildJvm.Result result) {
        assertEquals(1, lines.size(), result.toString());
        return lines.get(0);
    }

    static int countConnections(Connection admin, String applicationName) throws Exception {
        try (Statement statement = admin.createStatement();
             ResultSet rs = statement.executeQuery("select count(*) from pg_stat_activity where application_name = '"
                     + applicationName + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}

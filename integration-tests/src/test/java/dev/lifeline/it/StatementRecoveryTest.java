package dev.lifeline.it;

import dev.lifeline.demo.db.Database;
import dev.lifeline.demo.proxy.FaultProxy;
import dev.lifeline.demo.run.ChildJvm;
import dev.lifeline.demo.workload.MixedWorkload;
import dev.lifeline.demo.workload.ReusedConnectionWorkload;
import dev.lifeline.demo.workload.TransactionWorkload;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The statement half of the retry contract, black-box: the application keeps its Connection while
 * the physical connection under it dies; statements are re-run only where provably safe, and no
 * row is ever lost or written twice.
 */
class StatementRecoveryTest {

    private static Database database;
    private static FaultProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        database = Database.embedded();
        proxy = FaultProxy.start(database.host(), database.port());
        sql("CREATE TABLE orders (id bigint, note text)",
                "CREATE TABLE once_rows (id bigint, note text)",
                "CREATE TABLE tx_rows (id bigint, note text)");
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @BeforeEach
    void noFaults() {
        proxy.clearFaults();
    }

    private static String viaProxy() {
        return database.urlVia(proxy.host(), proxy.port());
    }

    @Test
    void noAcknowledgedInsertIsLostOrDoubledWhileBackendsAreTerminatedEveryThreeHundredMilliseconds() throws Exception {
        Path withoutAcks = Files.createTempFile("acks-without", ".txt");
        Path withAcks = Files.createTempFile("acks-with", ".txt");

        ChildJvm.Result without = whileTerminatingBackends("lifeline-mixed-0", 0, () -> ChildJvm.withoutAgent().run(MixedWorkload.class, 120,
                "url=" + database.url(), "threads=4", "seconds=10", "table=orders", "idBase=0",
                "ackFile=" + withoutAcks, "applicationName=lifeline-mixed-0"));
        assertTrue(without.resultInt("failed") > 0, "without the agent some operations fail: " + without);
        assertEveryAcknowledgedRowExactlyOnce(withoutAcks, 0, 10_000_000);

        ChildJvm.Result with = whileTerminatingBackends("lifeline-mixed-1", 5, () -> ChildJvm.withAgent("").run(MixedWorkload.class, 120,
                "url=" + database.url(), "threads=4", "seconds=10", "table=orders", "idBase=10000000",
                "ackFile=" + withAcks, "applicationName=lifeline-mixed-1"));
        // The one failure no one can recover: the server terminated the session after the insert's
        // CommandComplete, and it may or may not have committed it. It is reported, never re-run.
        for (String failure : with.lines("FAILURE ")) {
            assertTrue(ChildJvm.field(failure, "write").equals("true") && ChildJvm.field(failure, "notes").contains("outcome unknown"),
                    "with the agent only a write whose outcome the server left unknown may fail: " + with);
        }
        assertTrue(with.resultInt("failed") <= 2, "with the agent (almost) no operation fails: " + with);
        assertTrue(with.resultInt("inserts") > 100, with.toString());
        assertEveryAcknowledgedRowExactlyOnce(withAcks, 10_000_000, 20_000_000);
    }

    @Test
    void anInsertWhoseConnectionResetsAfterItWasSentIsReportedAsUnknownAndNeverDoubled() throws Exception {
        proxy.resetAfterForwarding("INSERT INTO once_rows");
        ChildJvm.Result with = ChildJvm.withAgent("").run(TransactionWorkload.class, 60,
                "url=" + viaProxy(), "mode=insert", "table=once_rows", "firstId=7");
        String failure = single(with.lines("FAILURE "), with);
        assertTrue(ChildJvm.field(failure, "sqlstate").startsWith("08"), failure);
        // The driver's own exception, Lifeline's explanation riding along as a suppressed exception.
        assertTrue(ChildJvm.field(failure, "notes").contains("outcome unknown"), failure);
        assertTrue(ChildJvm.field(failure, "message").startsWith("An I/O error occurred"), failure);
        assertEquals("org.postgresql.util.PSQLException", ChildJvm.field(failure, "type"), failure);
        assertTrue(count("SELECT count(*) FROM once_rows WHERE id = 7") <= 1, "never written twice");
    }

    @Test
    void anExplicitTransactionIsNeverReplayedAndTheApplicationsOwnRetrySucceeds() throws Exception {
        proxy.resetBeforeForwarding("VALUES (102, 'second')");
        ChildJvm.Result without = ChildJvm.withoutAgent().run(TransactionWorkload.class, 60,
                "url=" + viaProxy(), "mode=transaction", "table=tx_rows", "firstId=101");
        assertEquals(0, without.resultInt("ok"), "without the agent the dead connection fails every retry: " + without);
        assertEquals(0, count("SELECT count(*) FROM tx_rows WHERE id IN (101, 102)"), "no partial commit");

        proxy.resetBeforeForwarding("VALUES (202, 'second')");
        ChildJvm.Result with = ChildJvm.withAgent("").run(TransactionWorkload.class, 60,
                "url=" + viaProxy(), "mode=transaction", "table=tx_rows", "firstId=201");
        List<String> failures = with.lines("FAILURE ");
        assertEquals(1, failures.size(), "the broken transaction is reported, not replayed: " + with);
        assertTrue(ChildJvm.field(failures.get(0), "sqlstate").startsWith("08"), failures.get(0));
        assertEquals(1, with.resultInt("ok"), "the application's own retry on the same Connection succeeds: " + with);
        assertEquals(1, count("SELECT count(*) FROM tx_rows WHERE id = 201"));
        assertEquals(1, count("SELECT count(*) FROM tx_rows WHERE id = 202"));
    }

    @Test
    void incidentTwosConnectionTestPassesThroughAProxyThatKillsIdleConnections() throws Exception {
        proxy.closeIdleAfter(Duration.ofMillis(300));
        ChildJvm.Result without = ChildJvm.withoutAgent().run(ReusedConnectionWorkload.class, 120,
                "url=" + viaProxy(), "gapMs=500");
        assertFalse(part(without, "reuse", "failed").equals("0"), "reuse fails without the agent: " + without);
        assertFalse(part(without, "concurrent", "failed").equals("0"), "concurrent fails without the agent: " + without);

        ChildJvm.Result with = ChildJvm.withAgent("lifeline.jdbc.validateAfterIdle=250ms")
                .run(ReusedConnectionWorkload.class, 120, "url=" + viaProxy(), "gapMs=500");
        assertEquals(0, with.resultInt("failed"), "every part passes with the agent: " + with);
        assertEquals(1 + 10 + 10 + 20 + 6, with.resultInt("ok"), with.toString());
    }

    private static String part(ChildJvm.Result result, String name, String key) {
        for (String line : result.lines("PART name=" + name + " ")) {
            return ChildJvm.field(line, key);
        }
        throw new AssertionError("no part " + name + ": " + result);
    }

    private interface Run {
        ChildJvm.Result run() throws Exception;
    }

    /** An administrator terminates the application's backends every 300 ms while it runs. */
    /**
     * @param minTerminated the run proves something only if more than this many backends were
     *                      killed under it. 0 for the no-agent run: killed at its first connection,
     *                      HikariCP may sit with an empty pool for the whole run, and then there is
     *                      nothing more to kill (its failures are what that run must show).
     */
    private static ChildJvm.Result whileTerminatingBackends(String applicationName, int minTerminated, Run run) throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger terminated = new AtomicInteger();
        Thread killer = new Thread(() -> {
            try (Connection admin = database.admin(); Statement statement = admin.createStatement()) {
                while (!done.get()) {
                    Thread.sleep(300);
                    try (ResultSet rs = statement.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                            + "WHERE application_name = '" + applicationName + "'")) {
                        rs.next();
                        terminated.addAndGet(rs.getInt(1));
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "backend-terminator");
        killer.start();
        ChildJvm.Result result;
        try {
            result = run.run();
        } finally {
            done.set(true);
            killer.join();
        }
        assertTrue(terminated.get() > minTerminated, "the administrator must have terminated backends: " + terminated.get() + "\n" + result);
        return result;
    }

    private static void assertEveryAcknowledgedRowExactlyOnce(Path ackFile, long from, long to) throws Exception {
        Set<Long> acknowledged = new HashSet<>();
        for (String line : Files.readAllLines(ackFile, StandardCharsets.US_ASCII)) {
            if (!line.isEmpty()) {
                acknowledged.add(Long.parseLong(line));
            }
        }
        Map<Long, Integer> inTable = new HashMap<>();
        try (Connection admin = database.admin(); Statement s = admin.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, count(*) FROM orders WHERE id > " + from + " AND id <= " + to + " GROUP BY id")) {
            while (rs.next()) {
                inTable.put(rs.getLong(1), rs.getInt(2));
            }
        }
        for (Long id : acknowledged) {
            assertEquals(Integer.valueOf(1), inTable.get(id), "acknowledged insert " + id + " must be in the table exactly once");
        }
        for (Map.Entry<Long, Integer> row : inTable.entrySet()) {
            assertEquals(1, row.getValue().intValue(), "row " + row.getKey() + " written " + row.getValue() + " times");
        }
    }

    private static String single(List<String> lines, ChildJvm.Result result) {
        assertEquals(1, lines.size(), result.toString());
        return lines.get(0);
    }

    private static int count(String query) throws Exception {
        try (Connection admin = database.admin(); Statement s = admin.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void sql(String... statements) throws Exception {
        try (Connection admin = database.admin(); Statement s = admin.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }
}

package dev.lifeline.it.transparency;

import dev.lifeline.demo.db.Database;
import dev.lifeline.demo.proxy.FaultProxy;
import dev.lifeline.demo.run.ChildJvm;
import dev.lifeline.demo.workload.DriverExceptionWorkload;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11, items 5 and 6: the application gets the driver's exception as the driver made it
 * (type, SQLState, cause, a free cause still free for {@code initCause}), and a connection the
 * server rejects on purpose gets one attempt.
 */
class DriverExceptionsTest {

    private static Database database;
    private static FaultProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        database = Database.embedded(); // no SSL
        proxy = FaultProxy.start(database.host(), database.port());
        try (Connection admin = database.admin(); Statement s = admin.createStatement()) {
            s.execute("create table dup_keys (id bigint primary key)");
            s.execute("insert into dup_keys values (1)");
        }
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

    @Test
    void sslRequiredByAServerWithoutSslGetsOneAttemptAnd08004() throws Exception {
        String url = database.urlVia(proxy.host(), proxy.port()) + "&sslmode=require";
        String[] outcomes = new String[2];
        long[] connections = new long[2];
        ChildJvm[] jvms = {ChildJvm.withoutAgent(), ChildJvm.withAgent("")};
        for (int i = 0; i < 2; i++) {
            long before = proxy.acceptedTotal();
            outcomes[i] = outcome(jvms[i].run(DriverExceptionWorkload.class, 90, "url=" + url, "mode=connect"));
            connections[i] = proxy.acceptedTotal() - before;
        }
        String both = "\nwithout: " + outcomes[0] + " tcp=" + connections[0] + "\nwith:    " + outcomes[1] + " tcp=" + connections[1];
        System.out.println("sslmode=require:" + both);
        assertEquals("08004", ChildJvm.field(outcomes[0], "sqlstate"), both);
        assertEquals("08004", ChildJvm.field(outcomes[1], "sqlstate"), both);
        assertEquals(ChildJvm.field(outcomes[0], "type"), ChildJvm.field(outcomes[1], "type"), both);
        assertEquals(1, connections[0], "one TCP connection without the agent" + both);
        assertEquals(1, connections[1], "one TCP connection with the agent: not retried" + both);
    }

    @Test
    void aRefusedConnectionKeepsItsConnectExceptionCause() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort(); // nothing listens there once it is closed
        }
        String url = "jdbc:postgresql://127.0.0.1:" + closedPort + "/postgres?user=postgres";
        String plain = outcome(ChildJvm.withoutAgent().run(DriverExceptionWorkload.class, 60, "url=" + url, "mode=connect"));
        // A refused connect is retried (waiting can fix it): a short window keeps the test short.
        String agent = outcome(ChildJvm.withAgent("lifeline.jdbc.acquireRetryFor=1s")
                .run(DriverExceptionWorkload.class, 60, "url=" + url, "mode=connect"));
        String both = "\nwithout: " + plain + "\nwith:    " + agent;
        System.out.println(both);
        assertEquals("java.net.ConnectException", ChildJvm.field(plain, "cause"), both);
        assertEquals("java.net.ConnectException", ChildJvm.field(agent, "cause"), "the driver's cause, not a wrapper" + both);
        assertEquals(ChildJvm.field(plain, "type"), ChildJvm.field(agent, "type"), both);
        assertEquals(ChildJvm.field(plain, "sqlstate"), ChildJvm.field(agent, "sqlstate"), both);
        // The cause was set by the driver: initCause is refused alike.
        assertEquals(ChildJvm.field(plain, "initCause"), ChildJvm.field(agent, "initCause"), both);
        assertTrue(Integer.parseInt(ChildJvm.field(agent, "lifelineNotes")) >= 1,
                "Lifeline's summary rides along as a suppressed exception" + both);
    }

    @Test
    void aUniqueViolationLeavesItsCauseFreeForTheApplicationsInitCause() throws Exception {
        String url = database.url();
        String plain = outcome(ChildJvm.withoutAgent().run(DriverExceptionWorkload.class, 60, "url=" + url, "mode=insert", "id=1"));
        String agent = outcome(ChildJvm.withAgent("").run(DriverExceptionWorkload.class, 60, "url=" + url, "mode=insert", "id=1"));
        String both = "\nwithout: " + plain + "\nwith:    " + agent;
        System.out.println(both);
        for (String outcome : new String[]{plain, agent}) {
            assertEquals("23505", ChildJvm.field(outcome, "sqlstate"), both);
            assertEquals("-", ChildJvm.field(outcome, "cause"), "the driver set no cause" + both);
            assertEquals("allowed", ChildJvm.field(outcome, "initCause"), "the application may set its own" + both);
        }
        assertEquals(ChildJvm.field(plain, "type"), ChildJvm.field(agent, "type"), both);
        assertEquals(ChildJvm.field(plain, "message"), ChildJvm.field(agent, "message"), both);
    }

    @Test
    void aWriteWhoseConnectionIsResetKeepsTheDriversIoCause() throws Exception {
        String url = database.urlVia(proxy.host(), proxy.port());
        proxy.resetAfterForwarding("values (7)");
        String plain = outcome(ChildJvm.withoutAgent().run(DriverExceptionWorkload.class, 60, "url=" + url, "mode=insert", "id=7"));
        proxy.resetAfterForwarding("values (8)");
        String agent = outcome(ChildJvm.withAgent("").run(DriverExceptionWorkload.class, 60, "url=" + url, "mode=insert", "id=8"));
        String both = "\nwithout: " + plain + "\nwith:    " + agent;
        System.out.println(both);
        assertEquals("08006", ChildJvm.field(plain, "sqlstate"), both);
        assertEquals("java.net.SocketException", ChildJvm.field(plain, "cause"), both);
        // The outcome is unknown, so it is not re-run; the application gets the driver's exception itself.
        assertEquals(ChildJvm.field(plain, "type"), ChildJvm.field(agent, "type"), both);
        assertEquals(ChildJvm.field(plain, "sqlstate"), ChildJvm.field(agent, "sqlstate"), both);
        assertEquals(ChildJvm.field(plain, "cause"), ChildJvm.field(agent, "cause"), "the driver's I/O cause, not a wrapper" + both);
        assertEquals(ChildJvm.field(plain, "message"), ChildJvm.field(agent, "message"), both);
        assertEquals(ChildJvm.field(plain, "initCause"), ChildJvm.field(agent, "initCause"), both);
        try (Connection admin = database.admin(); Statement s = admin.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from dup_keys where id = 8")) {
            rs.next();
            assertTrue(rs.getInt(1) <= 1, "never written twice");
        }
    }

    private static String outcome(ChildJvm.Result result) {
        assertEquals(1, result.lines("OUTCOME ").size(), result.toString());
        String outcome = result.lines("OUTCOME ").get(0);
        assertNotEquals("-", ChildJvm.field(outcome, "type"), "the operation must fail: " + result);
        return outcome;
    }
}

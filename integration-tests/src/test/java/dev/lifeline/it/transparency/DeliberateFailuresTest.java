package dev.lifeline.it.transparency;

import dev.lifeline.demo.db.Database;
import dev.lifeline.demo.proxy.FaultProxy;
import dev.lifeline.demo.run.ChildJvm;
import dev.lifeline.demo.workload.DeliberateFailureWorkload;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11, item 3: what the application did on purpose is never undone. A long
 * {@code pg_sleep(30)} stopped by {@code Connection.abort()}, {@code Statement.cancel()},
 * {@code setQueryTimeout}, {@code setNetworkTimeout} or the {@code socketTimeout} URL property
 * fails with the agent as it does without it: same exception type and SQLState, same
 * {@code isClosed()}, the same number of connections opened, and no pg_sleep left running.
 */
class DeliberateFailuresTest {

    private static final String[] MODES = {"abort", "cancel", "queryTimeout", "networkTimeout", "socketTimeout"};

    private static Database database;
    private static FaultProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        // Without it a backend whose client went away (abort, a timeout that closes the socket)
        // sleeps on for 30 s; with it the server ends it within 200 ms, so that a pg_sleep still
        // running afterwards can only be one that was started again.
        database = Database.embedded(Collections.singletonMap("client_connection_check_interval", "200ms"));
        proxy = FaultProxy.start(database.host(), database.port());
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
    void abortCancelAndTimeoutsFailAsWithoutTheAgentAndTheStatementIsNotRunAgain() throws Exception {
        Map<String, Observed> without = run(ChildJvm.withoutAgent(), "lifeline-deliberate-without");
        Map<String, Observed> with = run(ChildJvm.withAgent(""), "lifeline-deliberate-with");
        for (String mode : MODES) {
            Observed plain = without.get(mode);
            Observed agent = with.get(mode);
            String both = "\nwithout: " + plain + "\nwith:    " + agent;
            System.out.println(mode + ":" + both);
            assertNotEquals("-", ChildJvm.field(plain.outcome, "type"), mode + " fails without the agent" + both);
            assertEquals(ChildJvm.field(plain.outcome, "type"), ChildJvm.field(agent.outcome, "type"), mode + ": exception type" + both);
            assertEquals(ChildJvm.field(plain.outcome, "sqlstate"), ChildJvm.field(agent.outcome, "sqlstate"), mode + ": SQLState" + both);
            assertEquals(ChildJvm.field(plain.outcome, "closed"), ChildJvm.field(agent.outcome, "closed"), mode + ": isClosed()" + both);
            assertEquals(ChildJvm.field(plain.outcome, "after"), ChildJvm.field(agent.outcome, "after"),
                    mode + ": the connection afterwards" + both);
            assertEquals(plain.connections, agent.connections, mode + ": TCP connections opened (a re-run needs a new one)" + both);
            assertEquals(0, plain.sleeping, mode + ": no pg_sleep left running without the agent" + both);
            assertEquals(0, agent.sleeping, mode + ": no pg_sleep left running (none re-run) with the agent" + both);
            // pg_sleep(30) was stopped after 1 s: the call returned then, not after a re-run.
            assertTrue(Long.parseLong(ChildJvm.field(agent.outcome, "elapsedMs")) < 10_000,
                    mode + ": returned at the 1 s trigger" + both);
        }
    }

    /** What the test saw of one mode: the workload's OUTCOME line and the server's side of it. */
    private static final class Observed {
        String outcome;
        long connections;
        int sleeping;

        @Override
        public String toString() {
            return outcome + " | connections=" + connections + " sleepingAfter=" + sleeping;
        }
    }

    private static Map<String, Observed> run(ChildJvm jvm, String applicationName) throws Exception {
        Path gates = Files.createTempDirectory("deliberate-gates");
        long connectionsBefore = proxy.acceptedTotal();
        ChildJvm.Running child = jvm.start(DeliberateFailureWorkload.class,
                "url=" + database.urlVia(proxy.host(), proxy.port()), "modes=" + String.join(",", MODES),
                "applicationName=" + applicationName, "gateDir=" + gates, "triggerMs=1000");
        Map<String, Observed> observed = new LinkedHashMap<>();
        try {
            for (String mode : MODES) {
                Observed o = new Observed();
                o.outcome = ChildWatch.awaitLine(child, "OUTCOME mode=" + mode + " ", 90);
                o.sleeping = sleepingAfterSettling(applicationName + "-" + mode);
                long connectionsNow = proxy.acceptedTotal();
                o.connections = connectionsNow - connectionsBefore;
                connectionsBefore = connectionsNow;
                observed.put(mode, o);
                ChildWatch.open(gates.resolve(mode));
            }
            ChildJvm.Result result = child.await(60);
            assertEquals(0, result.exitCode, result.toString());
            return observed;
        } finally {
            child.destroy();
        }
    }

    /**
     * The application's backends still running pg_sleep, once the server has had 3 s to end those
     * whose client went away (it checks every 200 ms); a re-run pg_sleep(30) would still be there.
     */
    private static int sleepingAfterSettling(String applicationName) throws Exception {
        long deadline = System.nanoTime() + 3_000_000_000L;
        int sleeping;
        do {
            sleeping = sleeping(applicationName);
            if (sleeping == 0) {
                Thread.sleep(300); // and it stays so: nothing starts it again
                sleeping = sleeping(applicationName);
                if (sleeping == 0) {
                    return 0;
                }
            }
            Thread.sleep(100);
        } while (System.nanoTime() - deadline < 0);
        return sleeping;
    }

    private static int sleeping(String applicationName) throws Exception {
        try (Connection admin = database.admin(); Statement statement = admin.createStatement();
             ResultSet rs = statement.executeQuery("select count(*) from pg_stat_activity where application_name = '"
                     + applicationName + "' and state = 'active' and query like '%pg_sleep%'")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}

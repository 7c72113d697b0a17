package dev.lifeline.it.transparency;

import dev.lifeline.demo.db.Database;
import dev.lifeline.demo.proxy.FaultProxy;
import dev.lifeline.demo.run.ChildJvm;
import dev.lifeline.demo.workload.AcquireWorkload;
import dev.lifeline.demo.workload.LeakWorkload;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11, items 7 and 8: the per-database cap never turns an application's leak into a hang,
 * and at defaults it is adaptive: no cap until a pooler refuses, then the pooler's limit, learned
 * from its refusals, with callers queued below it.
 */
class ConnectionSlotsTest {

    private static final int POOLER_LIMIT = 5;

    private static Database database;

    @BeforeAll
    static void startDatabase() throws Exception {
        database = Database.embedded();
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        if (database != null) {
            database.close();
        }
    }

    @Test
    void leakedConnectionsFreeTheirSlotsUnderAFixedCapOfTwo() throws Exception {
        String[] workload = {"url=" + database.url(), "leak=2", "more=3", "gc=true", "applicationName=lifeline-leak-fixed"};
        ChildJvm.Result without = ChildJvm.withoutAgent().run(LeakWorkload.class, 120, workload);
        assertEquals(3, without.resultInt("ok"), without.toString());

        // Both slots are held by leaked connections: only freeing them lets a third connection in
        // (otherwise it would wait out lifeline.jdbc.acquireTimeout, 30 s, and fail).
        ChildJvm.Result with = ChildJvm.withAgent("lifeline.jdbc.maxConnections=2").run(LeakWorkload.class, 120, workload);
        assertEquals(0, with.resultInt("failed"), "opening more after a leak must not hang: " + with);
        assertEquals(3, with.resultInt("ok"), with.toString());
    }

    @Test
    void atDefaultsTwentyLeakedConnectionsNeverMakeANewOneWait() throws Exception {
        String[] workload = {"url=" + database.url(), "leak=20", "more=5", "gc=false", "applicationName=lifeline-leak-adaptive"};
        ChildJvm.Result without = ChildJvm.withoutAgent().run(LeakWorkload.class, 120, workload);
        assertEquals(5, without.resultInt("ok"), without.toString());

        int adminPort = AdminEndpoint.freePort();
        Path gate = Files.createTempDirectory("leak").resolve("exit");
        ChildJvm.Running child = ChildJvm.withAgent("lifeline.admin.port=" + adminPort).start(LeakWorkload.class,
                "url=" + database.url(), "leak=20", "more=5", "gc=false", "applicationName=lifeline-leak-adaptive", "gate=" + gate);
        try {
            String result = ChildWatch.awaitLine(child, "RESULT ", 120);
            String target = database.host() + ":" + database.port() + "/" + database.database();
            String health = AdminEndpoint.get(adminPort, "/health");
            String metrics = AdminEndpoint.get(adminPort, "/metrics");
            ChildWatch.open(gate);
            assertEquals("0", ChildJvm.field(result, "failed"), result + "\n" + child.peek());
            assertEquals("5", ChildJvm.field(result, "ok"), result);
            String connections = AdminEndpoint.connections(health, target);
            assertTrue(connections != null && !connections.equals("null"), "the target is in /health: " + health);
            assertEquals("\"adaptive\"", AdminEndpoint.field(connections, "cap"), health);
            // No cap at all (nothing refused a client), so no caller can have queued behind the leaked
            // connections. (lifeline.cap.waits is no proof either way: it counts any acquire that took
            // over 50 us, which a busy machine's scheduler alone can cause.)
            assertEquals("null", AdminEndpoint.field(connections, "max"), "no cap: nothing refused a client: " + health);
            assertEquals("0", AdminEndpoint.field(connections, "waiting"), health);
            double timedOut = AdminEndpoint.sample(metrics, "lifeline_cap_waits_total\\{kind=\"jdbc\",outcome=\"timed_out\",target=\""
                    + Pattern.quote(target) + "\"\\}");
            assertEquals(0.0, timedOut, "no caller timed out under the cap: " + metrics);
            System.out.println("leak at defaults: " + result + " | connections " + connections);
            child.await(60);
        } finally {
            child.destroy();
        }
    }

    @Test
    void theAdaptiveCapLearnsAPoolersLimitFromItsRefusalsAndQueuesCallersBelowIt() throws Exception {
        try (FaultProxy pooler = FaultProxy.start(database.host(), database.port())) {
            pooler.limitConnections(POOLER_LIMIT, FaultProxy.Refusal.SUPAVISOR_SESSION_MODE);
            String url = database.urlVia(pooler.host(), pooler.port());
            String[] workload = {"url=" + url, "threads=20", "ops=5", "holdMs=50", "applicationName=lifeline-pooler"};

            ChildJvm.Result without = ChildJvm.withoutAgent().run(AcquireWorkload.class, 120, workload);
            assertTrue(without.resultInt("failed") > 0 && without.result("states").contains("XX000"),
                    "without the agent the pooler's refusals reach the application: " + without);

            int adminPort = AdminEndpoint.freePort();
            Path gate = Files.createTempDirectory("pooler").resolve("exit");
            String[] withGate = Arrays.copyOf(workload, workload.length + 1);
            withGate[workload.length] = "gate=" + gate;
            ChildJvm.Running child = ChildJvm.withAgent("lifeline.admin.port=" + adminPort).start(AcquireWorkload.class, withGate);
            try {
                String result = ChildWatch.awaitLine(child, "RESULT ", 120);
                String target = pooler.host() + ":" + pooler.port() + "/" + database.database();
                String health = AdminEndpoint.get(adminPort, "/health");
                String metrics = AdminEndpoint.get(adminPort, "/metrics");
                ChildWatch.open(gate);
                assertEquals("0", ChildJvm.field(result, "failed"), "with the agent at defaults no operation fails: "
                        + result + "\n" + child.peek());
                assertEquals("100", ChildJvm.field(result, "ok"), result);
                String connections = AdminEndpoint.connections(health, target);
                assertTrue(connections != null && !connections.equals("null"), "the target is in /health: " + health);
                assertEquals("\"adaptive\"", AdminEndpoint.field(connections, "cap"), health);
                assertTrue(Integer.parseInt(AdminEndpoint.field(connections, "refusals")) > 0, "learned from refusals: " + health);
                String max = AdminEndpoint.field(connections, "max");
                assertNotEquals("null", max, "a cap was learned: " + health);
                assertTrue(Integer.parseInt(max) <= POOLER_LIMIT, "the learned cap is at or below the pooler's "
                        + POOLER_LIMIT + ": " + health);
                double queued = AdminEndpoint.sample(metrics, "lifeline_cap_waits_total\\{kind=\"jdbc\",outcome=\"acquired\",target=\""
                        + Pattern.quote(target) + "\"\\}");
                assertTrue(queued > 0, "callers queued below the learned cap: " + metrics);
                System.out.println("pooler limit " + POOLER_LIMIT + ": without the agent " + without.lines("RESULT ")
                        + "; with it " + result + " | connections " + connections + " | queued " + queued
                        + " | refused at the pooler " + pooler.refusedTotal());
                child.await(60);
            } finally {
                child.destroy();
            }
        }
    }
}

package dev.lifeline.it.transparency;

import dev.lifeline.demo.db.Database;
import dev.lifeline.demo.run.ChildJvm;
import dev.lifeline.demo.workload.PoolHoldersWorkload;
import dev.lifeline.demo.workload.PoolTimeoutWorkload;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11, item 1: a HikariCP pool is the application's choice. At defaults the agent neither
 * clamps its size nor stretches its own timeout; each workload runs without and with the agent.
 */
class PoolChoicesTest {

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
    void aPoolOfThirtyWithThirtyHoldersOpensThirtyConnections() throws Exception {
        assertEquals(30, holdersOnServer(ChildJvm.withoutAgent(), "lifeline-pool30-without"), "without the agent");
        assertEquals(30, holdersOnServer(ChildJvm.withAgent(""), "lifeline-pool30-with"), "with the agent at defaults");
    }

    /** Runs 30 threads on a pool of 30; returns the server's sessions of that application while all hold one. */
    private static int holdersOnServer(ChildJvm jvm, String applicationName) throws Exception {
        Path gate = Files.createTempDirectory("pool-holders").resolve("release");
        ChildJvm.Running child = jvm.start(PoolHoldersWorkload.class, "url=" + database.url(), "poolSize=30",
                "connectionTimeoutMs=5000", "applicationName=" + applicationName, "gate=" + gate);
        try {
            String holding = ChildWatch.awaitLine(child, "HOLDING ", 90);
            int onServer = sessions(applicationName);
            System.out.println(applicationName + ": " + holding + ", sessions on the server " + onServer);
            ChildWatch.open(gate);
            ChildJvm.Result result = child.await(60);
            assertEquals("30", ChildJvm.field(holding, "acquired"), "every thread got a connection at once: " + result);
            assertEquals("0", ChildJvm.field(holding, "failed"), result.toString());
            assertEquals(0, result.exitCode, result.toString());
            return onServer;
        } finally {
            child.destroy();
        }
    }

    @Test
    void aFiveHundredMillisecondPoolTimeoutFailsOnceInAboutFiveHundredMilliseconds() throws Exception {
        String plain = poolTimeout(ChildJvm.withoutAgent());
        String agent = poolTimeout(ChildJvm.withAgent(""));
        for (String failure : new String[]{plain, agent}) {
            assertEquals("java.sql.SQLTransientConnectionException", ChildJvm.field(failure, "type"), failure);
            assertTrue(ChildJvm.field(failure, "message").contains("request timed out after"), "HikariCP's own timeout: " + failure);
            // One attempt: HikariCP's own metrics tracker recorded one timeout for one request.
            assertEquals("1", ChildJvm.field(failure, "timeouts"), failure);
            assertFalse(ChildJvm.field(failure, "suppressedTypes").contains("lifeline"),
                    "no Lifeline retry summary among the suppressed exceptions: " + failure);
            long elapsedMs = Long.parseLong(ChildJvm.field(failure, "elapsedMs"));
            // The issue measured 1.56-1.73 s with the agent stretching the timeout; HikariCP alone waits 0.5 s.
            assertTrue(elapsedMs >= 450 && elapsedMs <= 1_200, "failed after the application's 500 ms, not later: " + failure);
        }
        System.out.println("pool timeout 500 ms:\nwithout: " + plain + "\nwith:    " + agent);
        assertEquals(ChildJvm.field(plain, "sqlstate"), ChildJvm.field(agent, "sqlstate"), "same SQLState");
        assertEquals(ChildJvm.field(plain, "suppressed"), ChildJvm.field(agent, "suppressed"), "same suppressed exceptions");
    }

    private static String poolTimeout(ChildJvm jvm) throws Exception {
        ChildJvm.Result result = jvm.run(PoolTimeoutWorkload.class, 60, "url=" + database.url(),
                "connectionTimeoutMs=500", "requests=2");
        assertEquals(2, result.resultInt("failed"), result.toString());
        assertEquals(2, result.resultInt("timeouts"), "one recorded timeout per request: " + result);
        return result.lines("FAILURE request=2 ").get(0); // the first request warmed the JVM up
    }

    private static int sessions(String applicationName) throws Exception {
        try (Connection admin = database.admin(); Statement statement = admin.createStatement();
             ResultSet rs = statement.executeQuery("select count(*) from pg_stat_activity where application_name = '"
                     + applicationName + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}

package dev.lifeline.it;

import dev.lifeline.demo.db.Database;
import dev.lifeline.demo.run.ChildJvm;
import dev.lifeline.demo.workload.ReusedConnectionWorkload;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Collections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Incident 2 against the server's own limit: PostgreSQL ends sessions idle longer than
 * {@code idle_session_timeout} (FATAL 57P05), and an application holds one raw connection across
 * longer gaps.
 */
class IdleSessionTimeoutTest {

    private static Database database;

    @BeforeAll
    static void start() throws Exception {
        database = Database.embedded(Collections.singletonMap("idle_session_timeout", "1s"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (database != null) {
            database.close();
        }
    }

    @Test
    void aRawConnectionHeldAcrossGapsLongerThanTheIdleSessionTimeoutKeepsWorking() throws Exception {
        String[] workload = {"url=" + database.url(), "parts=reuse", "gapMs=1500", "reuseCount=4"};

        ChildJvm.Result without = ChildJvm.withoutAgent().run(ReusedConnectionWorkload.class, 60, workload);
        assertEquals(4, without.resultInt("failed"), "without the agent it fails forever after the first gap: " + without);

        ChildJvm.Result with = ChildJvm.withAgent("lifeline.jdbc.validateAfterIdle=1s").run(ReusedConnectionWorkload.class, 60, workload);
        assertEquals(0, with.resultInt("failed"), "with the agent every statement succeeds: " + with);
        assertEquals(4, with.resultInt("ok"), with.toString());
        assertTrue(with.lifelineLines().isEmpty(), "nothing printed into the application's output: " + with.lifelineLines());
    }
}

package dev.lifeline.it;

import dev.lifeline.demo.db.Database;
import dev.lifeline.demo.run.ChildJvm;
import dev.lifeline.demo.workload.AcquireWorkload;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Collections;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * (b) Incident 5 against PostgreSQL's own limit: a server with {@code max_connections=8} and an
 * application whose 20 threads each open their own connection per operation.
 */
class ConnectionCapTest {

    private static final String APP = "lifeline-cap";

    private static Database database;

    @BeforeAll
    static void startDatabase() throws Exception {
        database = Database.embedded(Collections.singletonMap("max_connections", "8"));
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        if (database != null) {
            database.close();
        }
    }

    @Test
    void capsConnectionsPerDatabaseSoTheServerNeverRefusesThem() throws Exception {
        String[] workload = {"url=" + database.url(), "threads=20", "ops=10", "holdMs=50", "applicationName=" + APP};

        Observed without = observe(() -> ChildJvm.withoutAgent().run(AcquireWorkload.class, 180, workload));
        int failedWithout = without.result.resultInt("failed");
        assertTrue(failedWithout > 0 && without.result.result("states").contains("53300"),
                "without the agent the server refuses clients with 53300: " + without.result);

        Observed capped = observe(() -> ChildJvm.withAgent("lifeline.jdbc.maxConnections=6")
                .run(AcquireWorkload.class, 180, workload));
        assertEquals(0, capped.result.resultInt("failed"), capped.result.toString());
        assertEquals(200, capped.result.resultInt("ok"), capped.result.toString());
        assertTrue(capped.peakOnServer <= 6, "never more than 6 open at once on the server, saw " + capped.peakOnServer);
        assertTrue(capped.peakOnServer >= 4, "the sampler must have seen the workload, saw " + capped.peakOnServer);

        Observed defaults = observe(() -> ChildJvm.withAgent("").run(AcquireWorkload.class, 180, workload));
        int failedWithDefaults = defaults.result.resultInt("failed");
        assertTrue(failedWithDefaults < failedWithout,
                "with the defaults fewer failures than without: " + failedWithDefaults + " vs " + failedWithout
                        + "\n" + defaults.result);
    }

    private interface Run {
        ChildJvm.Result run() throws Exception;
    }

    private static final class Observed {
        ChildJvm.Result result;
        int peakOnServer;
    }

    /** Runs the application while counting its connections on the server every few milliseconds. */
    private static Observed observe(Run run) throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger peak = new AtomicInteger();
        Thread sampler;
        try (Connection admin = database.admin()) {
            sampler = new Thread(() -> {
                try (Statement statement = admin.createStatement()) {
                    // A session the application closed lingers on the server for the moment its
                    // backend takes to exit; a backend counts only when two samples 5 ms apart
                    // both see it (every workload session lives at least 50 ms).
                    java.util.Set<Integer> previous = new java.util.HashSet<>();
                    while (!done.get()) {
                        java.util.Set<Integer> current = new java.util.HashSet<>();
                        try (ResultSet rs = statement.executeQuery(
                                "select pid from pg_stat_activity where application_name = '" + APP + "'")) {
                            while (rs.next()) {
                                current.add(rs.getInt(1));
                            }
                        }
                        java.util.Set<Integer> settled = new java.util.HashSet<>(current);
                        settled.retainAll(previous);
                        peak.accumulateAndGet(settled.size(), Math::max);
                        previous = current;
                        Thread.sleep(5);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "server-connection-sampler");
            sampler.start();
            Observed observed = new Observed();
            try {
                observed.result = run.run();
            } finally {
                done.set(true);
                sampler.join();
            }
            observed.peakOnServer = peak.get();
            return observed;
        }
    }
}

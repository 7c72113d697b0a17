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
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * (b) Incident 5 against PostgreSQL's own limit: a server with {@code max_connections=8} and an
 * application whose 20 threads each open their own connection per operation.
 */
class ConnectionCapTest {

    private static final String APP = "lifeline-cap";

    private static Database database;

    @BeforeAll
    static void startDatabase() throws Exception {
        assumeTrue(java.nio.file.Files.isReadable(java.nio.file.Paths.get("/proc/net/tcp")),
                "counting the server's established connections needs Linux's /proc/net/tcp");
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

    /**
     * Of the server's sessions for these client ports, those whose TCP connection is still
     * established on both sides. A session the application has closed lingers in
     * pg_stat_activity for as long as its backend takes to exit (long on a loaded machine). The
     * client's socket leaves ESTABLISHED inside its own close() call, before Lifeline releases the
     * connection's slot; the server's follows when the kernel has processed the client's FIN,
     * which on a loaded machine can come after a new connection took the slot. So a connection
     * counts only while both ends are established: what is really open, not what is being reaped.
     */
    private static int establishedOnServer(java.util.Set<Integer> clientPorts) throws java.io.IOException {
        String serverPort = String.format("%04X", database.port());
        java.util.Set<Integer> serverSide = new java.util.HashSet<>();
        java.util.Set<Integer> clientSide = new java.util.HashSet<>();
        // Java's client sockets are IPv6 sockets reaching 127.0.0.1 as ::ffff:127.0.0.1 (tcp6);
        // the server's are IPv4 (tcp).
        for (String table : new String[]{"/proc/net/tcp", "/proc/net/tcp6"}) {
            java.nio.file.Path file = java.nio.file.Paths.get(table);
            if (!java.nio.file.Files.isReadable(file)) {
                continue;
            }
            for (String line : java.nio.file.Files.readAllLines(file)) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length < 4 || !fields[3].equals("01")) {
                    continue;
                }
                if (fields[1].endsWith(":" + serverPort)) {
                    serverSide.add(Integer.parseInt(fields[2].substring(fields[2].lastIndexOf(':') + 1), 16));
                } else if (fields[2].endsWith(":" + serverPort)) {
                    clientSide.add(Integer.parseInt(fields[1].substring(fields[1].lastIndexOf(':') + 1), 16));
                }
            }
        }
        int established = 0;
        for (int port : clientPorts) {
            if (serverSide.contains(port) && clientSide.contains(port)) {
                established++;
            }
        }
        return established;
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
                    while (!done.get()) {
                        java.util.Set<Integer> clientPorts = new java.util.HashSet<>();
                        try (ResultSet rs = statement.executeQuery(
                                "select client_port from pg_stat_activity where application_name = '" + APP + "'")) {
                            while (rs.next()) {
                                clientPorts.add(rs.getInt(1));
                            }
                        }
                        peak.accumulateAndGet(establishedOnServer(clientPorts), Math::max);
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

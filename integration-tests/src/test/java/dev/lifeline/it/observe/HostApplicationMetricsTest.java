package dev.lifeline.it.observe;

import dev.lifeline.demo.db.Database;
import dev.lifeline.demo.observe.OwnMicrometerApp;
import dev.lifeline.demo.run.ChildJvm;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11, item 9: in an application with a Micrometer registry of its own and a HikariCP pool
 * reporting to it (what Spring Boot Actuator wires), the agent adds nothing to the application's
 * log, and {@code /health} shows one database target, not HikariCP's internal DriverDataSource
 * beside it.
 */
class HostApplicationMetricsTest {

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
    void theAgentWritesNothingIntoTheApplicationsLogAndHealthListsOneDatabaseTarget() throws Exception {
        String classPath = System.getProperty("java.class.path") + File.pathSeparator + ObservabilityTest.micrometerJars();
        // Registry first, pool 1.5 s later, as in a Spring Boot start-up: Lifeline binds its meters
        // into a registry 1 s after it is created, so the database target arrives after that.
        String[] app = {"url=" + database.url(), "mode=hikari", "queries=5", "waitMs=0", "startupMs=1500"};

        ChildJvm.Result without = ChildJvm.withoutAgent().classPath(classPath).run(OwnMicrometerApp.class, 60, app);
        assertEquals(5, without.resultInt("ok"), without.toString());

        int adminPort = ObservabilityTest.freePort();
        Path gate = Files.createTempDirectory("host-metrics").resolve("go-on");
        String[] withGate = java.util.Arrays.copyOf(app, app.length + 1);
        withGate[app.length] = "gate=" + gate;
        ChildJvm.Running child = ChildJvm.withAgent("lifeline.admin.port=" + adminPort).classPath(classPath)
                .start(OwnMicrometerApp.class, withGate);
        String health;
        ChildJvm.Result with;
        try {
            health = awaitJdbcTarget(adminPort, child);
            Files.createFile(gate);
            with = child.await(60);
        } finally {
            child.destroy();
        }
        assertEquals(5, with.resultInt("ok"), with.toString());
        assertTrue(with.resultInt("lifelineMeters") > 0, "Lifeline's meters are in the application's registry: " + with);

        List<String> added = linesOnlyIn(with.stderr, without.stderr);
        List<String> jdbcTargets = new ArrayList<>();
        Matcher m = Pattern.compile("\\{\"kind\":\"jdbc\",\"target\":\"([^\"]*)\"").matcher(health);
        while (m.find()) {
            jdbcTargets.add(m.group(1));
        }
        String target = database.host() + ":" + database.port() + "/" + database.database();
        assertAll(
                () -> assertFalse(String.join("\n", with.stderr).contains("already registered"),
                        "Micrometer warned about a meter registered twice: " + with),
                () -> assertTrue(added.isEmpty(), "the agent wrote into the application's log (stderr):\n"
                        + String.join("\n", added) + "\n--- without the agent the log was:\n" + String.join("\n", without.stderr)),
                () -> assertEquals(List.of(target), jdbcTargets,
                        "one target per database, no datasource:DriverDataSource: " + health));
    }

    /** /health once the application has run its queries and waits at its gate. */
    private static String awaitJdbcTarget(int adminPort, ChildJvm.Running child) throws Exception {
        for (long deadline = System.nanoTime() + 60_000_000_000L; System.nanoTime() < deadline; Thread.sleep(50)) {
            if (child.stdoutSoFar().stream().anyMatch(l -> l.startsWith("QUERIED "))) {
                return ObservabilityTest.get(adminPort, "/health");
            }
            if (!child.isAlive()) {
                break;
            }
        }
        throw new AssertionError("the application did not get to its queries:\n" + child.peek());
    }

    /** Lines of {@code log} that {@code baseline} does not have, object identity hashes ignored. */
    private static List<String> linesOnlyIn(List<String> log, List<String> baseline) {
        List<String> remaining = new ArrayList<>();
        for (String line : baseline) {
            remaining.add(normalized(line));
        }
        List<String> added = new ArrayList<>();
        for (String line : log) {
            if (!remaining.remove(normalized(line))) {
                added.add(line);
            }
        }
        return added;
    }

    private static String normalized(String line) {
        return line.replaceAll("@[0-9a-f]{4,}", "@");
    }
}

package dev.lifeline.it;

import dev.lifeline.demo.run.ChildJvm;
import dev.lifeline.demo.http.FaultyHttpServer;
import dev.lifeline.demo.workload.AttachCheck;
import dev.lifeline.demo.workload.LateAttachCheck;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The agent attaches and instruments JDBC on the default JDK and on Java 25, silently, from the
 * command line and into a JVM that is already running.
 */
class JdkCompatibilityTest {

    @Test
    void attachesAndRetriesOnTheDefaultJdk() throws Exception {
        assertAttachesSilently(System.getProperty("java.home"));
    }

    @Test
    void attachesAndRetriesOnJava25WithoutWarnings() throws Exception {
        Path java25 = ChildJvm.temurin25Home();
        assumeTrue(java25 != null, "no Temurin 25 JDK under /usr/lib/jvm");
        assertAttachesSilently(java25.toString());
    }

    @Test
    void attachedToARunningJvmItRetransformsTheDriverAlreadyLoaded() throws Exception {
        ChildJvm.Result result = ChildJvm.withoutAgent().option("-Djdk.attach.allowAttachSelf=true")
                .run(LateAttachCheck.class, 60, ChildJvm.agentJar().toString(),
                        "lifeline.retry.initialBackoff=1ms,lifeline.jdbc.acquireMaxAttempts=3");
        assertEquals(0, result.exitCode, result.toString());
        assertEquals(List.of("BEFORE attempts=1 sqlstate=08001"), result.lines("BEFORE"), "no agent yet: " + result);
        assertEquals(List.of("AFTER attempts=3 sqlstate=08001"), result.lines("AFTER"),
                "pgjdbc's Driver, loaded before the attach, was retransformed: " + result);
        assertTrue(result.stderr.stream().noneMatch(l -> l.contains("[lifeline]") || l.contains("Exception in")), result.toString());
    }

    @Test
    void attachedAfterTheJdkHttpClientsWereUsedItRetransformsThemAndTheirRetriesWork() throws Exception {
        try (FaultyHttpServer server = FaultyHttpServer.start(FaultyHttpServer.faults().firstPerIdIs503().retryAfter("0"))) {
            ChildJvm.Result result = ChildJvm.withoutAgent().option("-Djdk.attach.allowAttachSelf=true")
                    .run(LateAttachCheck.class, 60, ChildJvm.agentJar().toString(),
                            "lifeline.retry.initialBackoff=1ms,lifeline.jdbc.acquireMaxAttempts=3", server.url("/kv"));
            assertEquals(0, result.exitCode, result.toString());
            assertEquals(List.of("HTTP-BEFORE huc=503 send=503"), result.lines("HTTP-BEFORE"), "no agent yet: " + result);
            // Each client's bridge is defined when its loaded class is retransformed at the attach.
            assertEquals(List.of("HTTP-AFTER huc=200 send=200"), result.lines("HTTP-AFTER"),
                    "both JDK clients, loaded before the attach, retry the 503: " + result);
            assertTrue(result.stderr.stream().noneMatch(l -> l.contains("[lifeline]") || l.contains("Exception in")
                    || l.contains("not instrumented")), result.toString());
        }
    }

    private static void assertAttachesSilently(String javaHome) throws Exception {
        ChildJvm.Result result = ChildJvm.withAgent("lifeline.retry.initialBackoff=1ms,lifeline.jdbc.acquireMaxAttempts=3")
                .javaHome(javaHome).run(AttachCheck.class, 60);
        assertEquals(0, result.exitCode, result.toString());
        assertTrue(result.stdout.stream().anyMatch(l -> l.startsWith("ATTACHED attempts=3 sqlstate=08001")), result.toString());
        // The give-up itself is logged at WARNING through java.util.logging (issue 7); nothing else
        // may appear: no Unsafe or class-data-sharing warning, no internal error, no config line.
        assertTrue(result.stderr.stream().noneMatch(l -> l.contains("Unsafe") || l.contains("Sharing is only supported")
                        || l.contains("[lifeline]") || l.contains("WARNING: An illegal") || l.contains("Exception in")),
                "nothing but Lifeline's give-up line printed into the application's output: " + result);
        assertTrue(result.stderr.stream().anyMatch(l -> l.startsWith("WARNING: lifeline: gave up on jdbc call to 127.0.0.1:1/none after 3 attempts")),
                "the give-up is logged: " + result);
    }
}

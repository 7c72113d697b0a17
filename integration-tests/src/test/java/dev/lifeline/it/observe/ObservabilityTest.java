package dev.lifeline.it.observe;

import dev.lifeline.demo.db.Database;
import dev.lifeline.demo.observe.OutageWorkload;
import dev.lifeline.demo.observe.OwnMicrometerApp;
import dev.lifeline.demo.proxy.FaultProxy;
import dev.lifeline.demo.run.ChildJvm;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 7's proofs, black-box: a child JVM with the agent and {@code lifeline.admin.port}, its
 * database behind a fault proxy. Runs once the Installer wires {@code dev.lifeline.metrics.Observability}
 * in (it checks the agent jar's Installer for the reference and is skipped, saying so, before).
 */
class ObservabilityTest {

    static final String PASSWORD = "Pw-LIFELINE-IT-SECRET-5521";
    static final String TOKEN = "tok_LIFELINE_IT_SECRET_7788";

    private static Database database;
    private static FaultProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(observabilityWired(), "Installer does not call dev.lifeline.metrics.Observability yet");
        database = Database.embedded();
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

    static boolean observabilityWired() throws IOException {
        try (ZipFile jar = new ZipFile(ChildJvm.agentJar().toFile())) {
            ZipEntry installer = jar.getEntry("dev/lifeline/boot/Installer.class");
            if (installer == null) {
                return false;
            }
            try (InputStream in = jar.getInputStream(installer)) {
                return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).contains("dev/lifeline/metrics/Observability");
            }
        }
    }

    @Test
    void anOutageOpensTheBreakerCallsFailFastHealthShowsItAndItClosesWhenTheServerReturns() throws Exception {
        int adminPort = freePort();
        String target = "127.0.0.1:" + proxy.port() + "/" + database.database();
        // The URL carries a token-like parameter and the properties a password: neither may surface.
        String url = "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + database.database()
                + "?user=postgres&options=-c%20application_name%3D" + TOKEN;
        Path logging = Files.createTempFile("lifeline-logging", ".properties");
        Files.write(logging, Arrays.asList("handlers=java.util.logging.ConsoleHandler",
                "java.util.logging.ConsoleHandler.level=ALL", "dev.lifeline.level=FINE"));
        // A short acquisition window, so that calls fail inside the outage and the breaker has failures to count.
        ChildJvm.Running child = ChildJvm.withAgent("lifeline.admin.port=" + adminPort + ",lifeline.jdbc.acquireRetryFor=300ms"
                        + ",lifeline.breaker.failureRatio=0.5,lifeline.breaker.minimumCalls=5"
                        + ",lifeline.breaker.window=2s,lifeline.breaker.openDuration=1s,lifeline.breaker.halfOpenProbes=1")
                .option("-Djava.util.logging.config.file=" + logging)
                .start(OutageWorkload.class, "url=" + url, "password=" + PASSWORD, "seconds=16", "threads=4", "pauseMs=50");
        try {
            String health = "";
            for (long deadline = System.nanoTime() + 15_000_000_000L; System.nanoTime() < deadline; Thread.sleep(250)) {
                health = getOrEmpty(adminPort, "/health"); // normal traffic until the target shows up
                if (health.contains("\"target\":\"" + target + "\"") && health.contains("\"success\":1")) {
                    break;
                }
            }
            assertTrue(health.contains("\"target\":\"" + target + "\""), health + "\n" + child.peek());

            proxy.resetOnNextClientBytes(true); // reused connections reset: retries
            proxy.resetAll();
            Thread.sleep(1500);
            proxy.resetOnNextClientBytes(false);

            proxy.refuseConnections(true); // the outage
            Thread.sleep(4000);
            String during = get(adminPort, "/health");
            assertTrue(during.contains("\"status\":\"degraded\""), during);
            assertTrue(Pattern.compile("\"target\":\"" + Pattern.quote(target) + "\".*?\"state\":\"(open|half_open)\"").matcher(during).find(), during);
            proxy.refuseConnections(false); // the server returns

            Thread.sleep(5000);
            String after = get(adminPort, "/health");
            assertTrue(after.contains("\"status\":\"up\""), "the breaker closed again: " + after);
            String metrics = get(adminPort, "/metrics");
            double retries = value(metrics, "lifeline_retries_total\\{kind=\"jdbc\",target=\"" + Pattern.quote(target) + "\"\\}");
            assertTrue(retries > 0, metrics);
            assertTrue(value(metrics, "lifeline_calls_total\\{kind=\"jdbc\",outcome=\"rejected\",target=\"" + Pattern.quote(target) + "\"\\}") > 0, metrics);

            ChildJvm.Result result = child.await(60);
            assertTrue(result.resultInt("breakerRejections") > 0, "calls failed fast while open: " + result);
            assertTrue(result.resultInt("slowestRejectionMs") < 100,
                    "a rejection is far below the connect timeout (10 s): " + result);
            assertTrue(result.resultInt("okAfterLastFailure") > 0, "calls succeed after the outage: " + result);
            for (String text : List.of(String.join("\n", result.stderr), health, during, after, metrics)) {
                assertFalse(text.contains(PASSWORD), "password leaked: " + text);
                assertFalse(text.contains(TOKEN), "token leaked: " + text);
            }
            assertTrue(result.stderr.stream().anyMatch(l -> l.contains("lifeline: retrying jdbc call to " + target)),
                    "retries logged at FINE: " + result);
        } finally {
            child.destroy();
        }
    }

    @Test
    void anApplicationWithItsOwnMicrometerRegistrySeesLifelinesMeters() throws Exception {
        String classPath = System.getProperty("java.class.path") + File.pathSeparator + micrometerJars();
        ChildJvm.Result result = ChildJvm.withAgent("").classPath(classPath)
                .run(OwnMicrometerApp.class, 60, "url=" + database.url(), "queries=5", "waitMs=2500");
        assertEquals(5, result.resultInt("ok"), result.toString());
        assertTrue(result.resultInt("lifelineMeters") > 0, result.toString());
        String target = database.host() + ":" + database.port() + "/" + database.database();
        assertTrue(result.stdout.stream().anyMatch(l -> l.startsWith("METER lifeline.calls ")
                && l.contains("target=" + target) && l.contains("outcome=success")), result.toString());
    }

    /** micrometer-core and what it needs, from the local Maven repository (the agent module resolved them). */
    static String micrometerJars() {
        String version = "1.16.8";
        Path repo = Paths.get(System.getProperty("maven.repo.local", System.getProperty("user.home") + "/.m2/repository"));
        List<String> jars = new ArrayList<>();
        for (String artifact : List.of("micrometer-core", "micrometer-commons", "micrometer-observation")) {
            Path jar = repo.resolve("io/micrometer/" + artifact + "/" + version + "/" + artifact + "-" + version + ".jar");
            Assumptions.assumeTrue(Files.isRegularFile(jar), "not in the local repository: " + jar);
            jars.add(jar.toString());
        }
        return String.join(File.pathSeparator, jars);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static String get(int port, String path) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) new URL("http://127.0.0.1:" + port + path).openConnection();
        connection.setConnectTimeout(5000);
        connection.setReadTimeout(20000);
        assertEquals(200, connection.getResponseCode(), path);
        try (InputStream in = connection.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static String getOrEmpty(int port, String path) {
        try {
            return get(port, path);
        } catch (IOException | AssertionError e) {
            return "";
        }
    }

    static double value(String prometheusText, String seriesRegex) {
        Matcher m = Pattern.compile("(?m)^" + seriesRegex + " ([0-9.Ee+-]+)$").matcher(prometheusText);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}

package dev.lifeline.it.transparency;

import dev.lifeline.demo.db.Database;
import dev.lifeline.demo.proxy.FaultProxy;
import dev.lifeline.demo.run.ChildJvm;
import dev.lifeline.demo.workload.CredentialsReconnectWorkload;
import dev.lifeline.demo.workload.DriverExceptionWorkload;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 11, items 4 and 5, against a PostgreSQL with SSL on (a self-signed certificate made here
 * with openssl) and a role that may log in only over SSL and only with its password:
 * <ul>
 *   <li>the password and SSL settings an application keeps in a {@code Properties} defaults object
 *       are used again when a replay reconnects;</li>
 *   <li>certificate failures get one attempt, as without the agent.</li>
 * </ul>
 */
class CredentialsAndSslTest {

    private static final String ROLE = "lifeline_app";
    private static final String PASSWORD = "Pw-lifeline-it-4411";

    private static Path certificates;
    private static Database database;
    private static FaultProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(openssl("version"), "openssl is needed to make the server's self-signed certificate");
        certificates = Files.createTempDirectory("lifeline-ssl");
        // The server's certificate is its own root (self-signed), valid for the name and address the tests dial.
        assumeTrue(openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout", certificates.resolve("server.key").toString(), "-out", certificates.resolve("server.crt").toString()),
                "openssl could not make a certificate");
        // A root that did not sign the server's certificate.
        assumeTrue(openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=some-other-ca",
                "-keyout", certificates.resolve("other.key").toString(), "-out", certificates.resolve("other.crt").toString()),
                "openssl could not make a certificate");
        Files.setPosixFilePermissions(certificates.resolve("server.key"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("ssl", "on");
        settings.put("ssl_cert_file", certificates.resolve("server.crt").toString());
        settings.put("ssl_key_file", certificates.resolve("server.key").toString());
        database = Database.embedded(settings);
        try (Connection admin = database.admin(); Statement s = admin.createStatement()) {
            s.execute("create role " + ROLE + " login password '" + PASSWORD + "'");
            String hbaFile;
            try (ResultSet rs = s.executeQuery("show hba_file")) {
                rs.next();
                hbaFile = rs.getString(1);
            }
            // The role logs in over SSL with its password, and in no other way; the first line that matches wins.
            Path hba = java.nio.file.Paths.get(hbaFile);
            String rest = new String(Files.readAllBytes(hba), StandardCharsets.UTF_8);
            Files.write(hba, ("hostssl all " + ROLE + " 127.0.0.1/32 scram-sha-256\n"
                    + "host all " + ROLE + " 127.0.0.1/32 reject\n" + rest).getBytes(StandardCharsets.UTF_8));
            s.execute("select pg_reload_conf()");
        }
        proxy = FaultProxy.start(database.host(), database.port());
        // The test can fail: a connection that loses the password, or SSL, is refused.
        awaitRefusal(props("sslmode", "require"), "08004");
        awaitRefusal(props("password", PASSWORD, "sslmode", "disable"), "28000");
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
    void aReplayReconnectsWithThePasswordAndSslSettingsFromThePropertiesDefaults() throws Exception {
        ChildJvm.Result without = withBackendTerminatedBetweenTheSelects(ChildJvm.withoutAgent(), "lifeline-credentials-without");
        assertEquals("failed", without.result("second"), "without the agent the second SELECT fails: " + without);

        ChildJvm.Result with = withBackendTerminatedBetweenTheSelects(ChildJvm.withAgent(""), "lifeline-credentials-with");
        assertEquals("ok", with.result("second"), "with the agent the second SELECT succeeds: " + with);
        System.out.println("reconnect without the agent: " + without.stdout + "\nwith: " + with.stdout);
        String first = with.lines("FIRST ").get(0);
        String second = with.lines("SECOND ").get(0);
        // Only a reconnect that gave the password (and verified the server's certificate) gets in.
        assertEquals(ROLE, ChildJvm.field(second, "user"), second);
        assertEquals("true", ChildJvm.field(second, "ssl"), second);
        assertNotEquals(ChildJvm.field(first, "pid"), ChildJvm.field(second, "pid"), "a new session: " + with);
    }

    private static ChildJvm.Result withBackendTerminatedBetweenTheSelects(ChildJvm jvm, String applicationName) throws Exception {
        Path gate = Files.createTempDirectory("credentials").resolve("second-select");
        ChildJvm.Running child = jvm.start(CredentialsReconnectWorkload.class,
                "url=jdbc:postgresql://127.0.0.1:" + database.port() + "/" + database.database(),
                "user=" + ROLE, "password=" + PASSWORD, "sslmode=verify-full",
                "sslrootcert=" + certificates.resolve("server.crt"), "applicationName=" + applicationName, "gate=" + gate);
        try {
            String first = ChildWatch.awaitLine(child, "FIRST ", 60);
            assertEquals(ROLE, ChildJvm.field(first, "user"), first);
            assertEquals("true", ChildJvm.field(first, "ssl"), first);
            terminateBackends(applicationName);
            ChildWatch.open(gate);
            ChildJvm.Result result = child.await(90);
            assertEquals(0, result.exitCode, result.toString());
            return result;
        } finally {
            child.destroy();
        }
    }

    @Test
    void aMissingRootCertificateFileGetsOneAttempt() throws Exception {
        oneAttemptEach("sslmode=verify-full&sslrootcert=" + certificates.resolve("no-such-root.crt"), "java.io.FileNotFoundException");
    }

    @Test
    void aRootCertificateThatDidNotSignTheServersGetsOneAttempt() throws Exception {
        oneAttemptEach("sslmode=verify-full&sslrootcert=" + certificates.resolve("other.crt"), "javax.net.ssl.SSLHandshakeException");
    }

    /** Connects once without and once with the agent; both fail alike after one TCP connection. */
    private static void oneAttemptEach(String sslParameters, String expectedCause) throws Exception {
        String url = "jdbc:postgresql://" + proxy.host() + ":" + proxy.port() + "/" + database.database()
                + "?user=" + ROLE + "&password=" + PASSWORD + "&" + sslParameters;
        Attempted plain = connect(ChildJvm.withoutAgent(), url);
        Attempted agent = connect(ChildJvm.withAgent(""), url);
        String both = "\nwithout: " + plain + "\nwith:    " + agent;
        System.out.println(sslParameters + ":" + both);
        assertEquals(expectedCause, ChildJvm.field(plain.outcome, "cause"), "the driver's failure" + both);
        assertEquals(1, plain.connections, "one TCP connection without the agent" + both);
        assertEquals(1, agent.connections, "one TCP connection with the agent: not retried" + both);
        for (String key : new String[]{"type", "sqlstate", "cause", "message"}) {
            assertEquals(ChildJvm.field(plain.outcome, key), ChildJvm.field(agent.outcome, key), key + both);
        }
        assertEquals("0", ChildJvm.field(agent.outcome, "lifelineNotes"), "a first attempt that is not retried gets no summary" + both);
    }

    static final class Attempted {
        String outcome;
        long connections;

        @Override
        public String toString() {
            return outcome + " | tcpConnections=" + connections;
        }
    }

    /** Runs one connect in a child and counts the TCP connections it made at the proxy. */
    static Attempted connect(ChildJvm jvm, String url) throws Exception {
        long before = proxy.acceptedTotal();
        ChildJvm.Result result = jvm.run(DriverExceptionWorkload.class, 90, "url=" + url, "mode=connect");
        Attempted attempted = new Attempted();
        List<String> outcomes = result.lines("OUTCOME ");
        assertEquals(1, outcomes.size(), result.toString());
        attempted.outcome = outcomes.get(0);
        attempted.connections = proxy.acceptedTotal() - before;
        return attempted;
    }

    private static void terminateBackends(String applicationName) throws Exception {
        try (Connection admin = database.admin(); Statement s = admin.createStatement()) {
            s.executeQuery("select pg_terminate_backend(pid) from pg_stat_activity where application_name = '"
                    + applicationName + "'").close();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() - deadline < 0) {
                try (ResultSet rs = s.executeQuery("select count(*) from pg_stat_activity where application_name = '"
                        + applicationName + "'")) {
                    rs.next();
                    if (rs.getInt(1) == 0) {
                        return;
                    }
                }
                Thread.sleep(20);
            }
            throw new AssertionError("the backend of " + applicationName + " did not end");
        }
    }

    private static Properties props(String... keyValues) {
        Properties p = new Properties();
        p.setProperty("user", ROLE);
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    /** pg_reload_conf() is asynchronous: wait until the new pg_hba.conf refuses as expected. */
    private static void awaitRefusal(Properties properties, String sqlState) throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + database.port() + "/" + database.database();
        SQLException last = null;
        for (int i = 0; i < 50; i++) {
            try (Connection ignored = DriverManager.getConnection(url, properties)) {
                last = null;
            } catch (SQLException e) {
                last = e;
                if (sqlState.equals(e.getSQLState())) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the server must refuse " + properties.stringPropertyNames() + " with " + sqlState
                + "; last seen: " + (last == null ? "a connection" : last.getSQLState() + " " + last.getMessage()));
    }

    private static boolean openssl(String... args) throws InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(Arrays.asList(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}

package dev.lifeline.pgjdbcsuite;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A real PostgreSQL set up the way pgjdbc's CI sets up its Docker one, for pgjdbc's own test suite.
 *
 * <p>Usage: {@code SuiteServer <pgjdbc source dir> <work dir> [locale]}. It makes the SSL test
 * certificates, starts the server from io.zonky's binaries (which also copes with running as
 * root), creates the users, databases and extensions the suite expects, points the suite at it
 * with {@code build.local.properties} and {@code ssltest.local.properties}, writes the port to
 * {@code <work>/server.port} and then serves until it is terminated.
 */
public final class SuiteServer {

    /** Databases the SSL tests connect to; each has sslinfo so a test can ask whether SSL is in use. */
    private static final List<String> SSL_DATABASES =
            List.of("hostdb", "hostssldb", "hostnossldb", "certdb", "hostsslcertdb");

    private SuiteServer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: SuiteServer <pgjdbc source dir> <work dir> [locale]");
            System.exit(2);
        }
        Path source = Path.of(args[0]).toAbsolutePath();
        Path work = Path.of(args[1]).toAbsolutePath();
        String locale = args.length > 2 ? args[2] : "";
        Files.createDirectories(work);
        Path portFile = work.resolve("server.port");
        Files.deleteIfExists(portFile);

        Path serverCerts = work.resolve("server-certs");
        new TestCertificates(work.resolve("cert-work")).create(source.resolve("certdir"), serverCerts);

        Path log = work.resolve("postgres.log");
        Files.deleteIfExists(log);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(work.resolve("pgdata"))
                .setCleanDataDirectory(true)
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .setDataDirectoryCustomizer(dataDir -> prepareDataDirectory(dataDir.toPath(), serverCerts));
        if (!locale.isEmpty()) {
            builder.setLocaleConfig("locale", locale);
        }
        serverSettings().forEach(builder::setServerConfig);
        EmbeddedPostgres pg = builder.start();

        createRolesAndDatabases(pg.getPort());
        writeSuiteProperties(source, pg.getPort());
        Files.writeString(portFile, Integer.toString(pg.getPort()));
        System.out.println("PostgreSQL for pgjdbc's suite on port " + pg.getPort() + ", log " + log);

        // zonky's shutdown hook stops the server when the script terminates this process.
        new CountDownLatch(1).await();
    }

    /**
     * pgjdbc's CI server settings (docker/postgres-server: SSL, XA and SCRAM on, fsync, full page
     * writes, autovacuum and track_counts off), given on the command line because that beats the
     * defaults zonky passes there (synchronous_commit=off, max_connections=300).
     */
    private static java.util.Map<String, String> serverSettings() {
        java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();
        settings.put("ssl", "on");
        // Relative to the data directory, where prepareDataDirectory copies them.
        settings.put("ssl_cert_file", "server.crt");
        settings.put("ssl_key_file", "server.key");
        settings.put("ssl_ca_file", "root.crt");
        settings.put("max_prepared_transactions", "64");
        settings.put("wal_level", "logical");
        settings.put("password_encryption", "scram-sha-256");
        settings.put("synchronous_commit", "on");
        settings.put("full_page_writes", "off");
        settings.put("autovacuum", "off");
        settings.put("track_counts", "off");
        // The official image's default.
        settings.put("max_connections", "100");
        // CI's container runs with TZ=Etc/UTC.
        settings.put("timezone", "Etc/UTC");
        return settings;
    }

    private static void prepareDataDirectory(Path dataDir, Path serverCerts) {
        try {
            for (String name : List.of("server.crt", "server.key", "root.crt")) {
                Path target = dataDir.resolve(name);
                Files.copy(serverCerts.resolve(name), target, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
            }
            Files.writeString(dataDir.resolve("pg_hba.conf"), hostBasedAuthentication(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The access rules pgjdbc's SSL and authentication tests are written against: which database
     * takes which method, over plain TCP, SSL, or SSL with a client certificate. The databases
     * authtest and the users in it are created by the tests themselves.
     */
    private static String hostBasedAuthentication() {
        return String.join("\n",
                "# Written by Lifeline's scripts/pgjdbc-suite.sh for pgjdbc's own test suite.",
                "# TYPE     DATABASE       USER      ADDRESS  METHOD",
                "local      all            postgres           trust",
                "local      replication    postgres           trust",
                "host       all            postgres  all      trust",
                "host       test           all       all      md5",
                "host       hostdb         all       all      md5",
                "host       authtest       nobody    all      trust",
                "host       authtest       pword     all      password",
                "host       authtest       scram     all      scram-sha-256",
                "host       authtest       md51      all      md5",
                "hostnossl  hostnossldb    all       all      md5",
                "hostssl    hostssldb      all       all      md5",
                "hostssl    hostsslcertdb  all       all      md5      clientcert=verify-full",
                "hostssl    certdb         all       all      cert",
                "");
    }

    private static void createRolesAndDatabases(int port) throws SQLException {
        try (Connection admin = superuser(port, "postgres"); Statement st = admin.createStatement()) {
            st.execute("CREATE USER test WITH PASSWORD 'test'");
            st.execute("CREATE DATABASE test OWNER test");
            // CI creates it too (for LSN tests in pgjdbc's repository).
            st.execute("CREATE DATABASE test_2 OWNER test");
            for (String db : SSL_DATABASES) {
                st.execute("CREATE DATABASE " + db);
            }
        }
        try (Connection test = superuser(port, "test"); Statement st = test.createStatement()) {
            st.execute("CREATE EXTENSION hstore");
        }
        for (String db : SSL_DATABASES) {
            try (Connection c = superuser(port, db); Statement st = c.createStatement()) {
                st.execute("CREATE EXTENSION sslinfo");
            }
        }
    }

    private static Connection superuser(int port, String database) throws SQLException {
        return DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + port + "/" + database + "?user=postgres&sslmode=disable");
    }

    /**
     * The suite reads build.properties and then build.local.properties from its root; CI enables the
     * SSL tests with ssltest.local.properties. The secondary servers (replicas, off in CI by default)
     * get ports nothing listens on, so the multi-host tests skip themselves as they do in CI.
     */
    private static void writeSuiteProperties(Path source, int port) throws IOException {
        String local = String.join("\n",
                "# Written by Lifeline's scripts/pgjdbc-suite.sh",
                "test.url.PGHOST=localhost",
                "test.url.PGPORT=" + port,
                "secondaryServer1=localhost",
                "secondaryPort1=" + unusedPort(),
                "secondaryServer2=localhost",
                "secondaryPort2=" + unusedPort(),
                "");
        Files.writeString(source.resolve("build.local.properties"), local);
        Files.writeString(source.resolve("ssltest.local.properties"),
                "# Written by Lifeline's scripts/pgjdbc-suite.sh\nenable_ssl_tests=true\n");
    }

    private static int unusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

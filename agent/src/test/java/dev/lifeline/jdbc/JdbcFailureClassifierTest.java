package dev.lifeline.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.MalformedURLException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

/** Exceptions built the way pgjdbc, HikariCP and the poolers produce them (messages byte for byte). */
class JdbcFailureClassifierTest {

    private static final JdbcFailureClassifier ACQUIRE = JdbcFailureClassifier.ACQUIRE;

    private static SQLException sql(String message, String state) {
        return new SQLException(message, state);
    }

    private static SQLException sql(String message, String state, Throwable cause) {
        return new SQLException(message, state, cause);
    }

    @Test
    void retriesRefusedTcpConnect() {
        SQLException refused = sql("Connection to localhost:5432 refused. Check that the hostname and port are correct",
                "08001", new ConnectException("Connection refused"));
        assertTrue(ACQUIRE.isRetryable(refused));
        assertEquals("connection refused", JdbcFailureClassifier.describe(refused));
    }

    @Test
    void retriesFailedSslOrStartupEndingInEof() {
        SQLException eof = sql("The connection attempt failed.", "08001", new EOFException());
        assertTrue(ACQUIRE.isRetryable(eof));
        assertEquals("connection closed by server (EOF)", JdbcFailureClassifier.describe(eof));
    }

    @Test
    void retriesAnyConnectionExceptionClassState() {
        for (String state : new String[] {"08000", "08001", "08003", "08006", "08P01"}) {
            assertTrue(ACQUIRE.isRetryable(sql("x", state, new java.io.IOException("Connection reset"))), state);
        }
        // Raised by the driver itself, without the network: a certificate naming another host.
        assertFalse(ACQUIRE.isRetryable(sql("The hostname 127.0.0.1 could not be verified by hostnameverifier x.", "08006")));
        // pgjdbc raises 08001 with an I/O cause when the network failed, without one before the network.
        assertTrue(ACQUIRE.isRetryable(sql("The connection attempt failed.", "08001", new java.net.SocketException("reset"))));
        assertFalse(ACQUIRE.isRetryable(sql("Invalid sslmode value: x", "08001")));
        assertEquals("connection failure (08006)",
                JdbcFailureClassifier.describe(sql("An I/O error occurred while sending to the backend.", "08006")));
    }

    @Test
    void retriesSupavisorRefusals() {
        SQLException session = sql("FATAL: (EMAXCONNSESSION) max clients reached in session mode - max clients are "
                + "limited to pool_size: 15", "XX000");
        SQLException total = sql("FATAL: (EMAXCONN) max client connections reached, limit: 200", "XX000");
        SQLException legacy = sql("FATAL: MaxClientsInSessionMode: max clients reached - in Session mode max "
                + "clients are limited to pool_size", "XX000");
        for (SQLException refusal : new SQLException[] {session, total, legacy}) {
            assertTrue(ACQUIRE.isRetryable(refusal), refusal.getMessage());
            assertEquals("pooler refused client (Supavisor)", JdbcFailureClassifier.describe(refusal));
        }
    }

    @Test
    void retriesPoolerRefusalWhateverStateTheDriverReports() {
        // Some drivers lose the server's SQLState; the message alone identifies the refusal.
        assertTrue(ACQUIRE.isRetryable(sql("(EMAXCONN) max client connections reached, limit: 200", null)));
        assertTrue(ACQUIRE.isRetryable(new IOException("no more connections allowed (max_client_conn)")));
    }

    @Test
    void doesNotRetryInternalErrorWithoutPoolerMessage() {
        SQLException internal = sql("ERROR: could not open relation with OID 1234", "XX000");
        assertFalse(ACQUIRE.isRetryable(internal));
        assertEquals("SQLState XX000", JdbcFailureClassifier.describe(internal));
    }

    @Test
    void retriesPgBouncerMaxClientConn() {
        SQLException bouncer = sql("FATAL: no more connections allowed (max_client_conn)", "08P01");
        assertTrue(ACQUIRE.isRetryable(bouncer));
        assertEquals("pooler refused client (PgBouncer)", JdbcFailureClassifier.describe(bouncer));
    }

    @Test
    void retriesTooManyClientsAndCannotConnectNow() {
        SQLException tooMany = sql("FATAL: sorry, too many clients already", "53300");
        assertTrue(ACQUIRE.isRetryable(tooMany));
        assertEquals("too many clients (53300)", JdbcFailureClassifier.describe(tooMany));
        assertTrue(ACQUIRE.isRetryable(sql("FATAL: remaining connection slots are reserved", "53300")));
        SQLException starting = sql("FATAL: the database system is starting up", "57P03");
        assertTrue(ACQUIRE.isRetryable(starting));
        assertEquals("cannot connect now (57P03)", JdbcFailureClassifier.describe(starting));
    }

    @Test
    void retriesASessionTheServerTerminatedWhileItWasBeingSetUp() {
        // Seen in StatementRecoveryTest: pg_terminate_backend landing on a reconnect's new session.
        SQLException terminated = sql("FATAL: terminating connection due to administrator command", "57P01");
        assertTrue(ACQUIRE.isRetryable(terminated));
        assertEquals("session terminated by the server (57P01)", JdbcFailureClassifier.describe(terminated));
        assertTrue(JdbcFailureClassifier.isOutage(terminated));
        assertFalse(ACQUIRE.isRetryable(sql("FATAL: password authentication failed", "28P01",
                sql("FATAL: terminating connection due to administrator command", "57P01"))), "a refusal still wins");
    }

    @Test
    void retriesHikariPoolTimeoutAndNamesTheUnderlyingFailure() {
        SQLException last = sql("Connection refused", "08001", new ConnectException("Connection refused"));
        SQLTransientConnectionException timeout = new SQLTransientConnectionException(
                "HikariPool-1 - Connection is not available, request timed out after 30000ms.", "08001", last);
        assertTrue(ACQUIRE.isRetryable(timeout));
        assertEquals("pool timeout (connection refused)", JdbcFailureClassifier.describe(timeout));

        // A pool that was merely busy, or whose own check failed: its timeout is the application's bound.
        SQLTransientConnectionException bare = new SQLTransientConnectionException(
                "HikariPool-1 - Connection is not available, request timed out after 30000ms.");
        assertFalse(ACQUIRE.isRetryable(bare));
        assertEquals("pool timeout", JdbcFailureClassifier.describe(bare));
        SQLTransientConnectionException ownCheck = new SQLTransientConnectionException(
                "HikariPool-1 - Connection is not available, request timed out after 1000ms.", "08S01",
                new SQLException("setNetworkTimeout failed"));
        assertFalse(ACQUIRE.isRetryable(ownCheck));
    }

    @Test
    void neverRetriesWhatConfigurationCausedSslCertificatesKeyFilesOrARejection() {
        assertFalse(ACQUIRE.isRetryable(sql("SSL error: PKIX path building failed", "08006",
                new javax.net.ssl.SSLHandshakeException("PKIX path building failed"))));
        assertFalse(ACQUIRE.isRetryable(sql("Could not open SSL certificate file /x.crt.", "08006",
                new java.io.FileNotFoundException("/x.crt"))));
        assertFalse(ACQUIRE.isRetryable(sql("The server does not support SSL.", "08004")));
        assertFalse(ACQUIRE.isRetryable(sql("The server requested SCRAM-based authentication, but no password was provided.", "08004")));
        assertFalse(JdbcFailureClassifier.isOutage(sql("SSL error", "08006", new javax.net.ssl.SSLException("x"))),
                "a configuration error never counts against the breaker");
    }

    @Test
    void aResetInsideTheTlsLayerIsARejectedCertificateNotAnOutage() {
        java.net.SocketException brokenPipe = new java.net.SocketException("Broken pipe");
        brokenPipe.setStackTrace(new StackTraceElement[]{
                new StackTraceElement("sun.nio.ch.NioSocketImpl", "write", "NioSocketImpl.java", 1),
                new StackTraceElement("sun.security.ssl.SSLSocketOutputRecord", "deliver", "SSLSocketOutputRecord.java", 1)});
        assertFalse(ACQUIRE.isRetryable(sql("The connection attempt failed.", "08001", brokenPipe)));
        java.net.SocketException plainReset = new java.net.SocketException("Connection reset");
        assertTrue(ACQUIRE.isRetryable(sql("The connection attempt failed.", "08001", plainReset)));
    }

    @Test
    void neverRetriesWhatTheDriverRaisedInItsOwnCodeBeforeTheNetwork() {
        assertFalse(ACQUIRE.isRetryable(sql("The SocketFactory class provided x could not be instantiated.", "08006",
                new ClassCastException("x is not a javax.net.SocketFactory"))));
        assertFalse(ACQUIRE.isRetryable(sql("Could not load x", "08006", new ClassNotFoundException("x"))));
    }

    @Test
    void recognisesAClientLimitRefusalForTheAdaptiveCap() {
        assertTrue(JdbcFailureClassifier.isClientLimit(sql("FATAL: sorry, too many clients already", "53300")));
        assertTrue(JdbcFailureClassifier.isClientLimit(sql("FATAL: (EMAXCONN) max client connections reached, limit: 200", "XX000")));
        assertTrue(JdbcFailureClassifier.isClientLimit(sql("no more connections allowed (max_client_conn)", "08P01")));
        assertFalse(JdbcFailureClassifier.isClientLimit(sql("Connection refused", "08001", new ConnectException("refused"))));
        assertFalse(JdbcFailureClassifier.isClientLimit(sql("the database system is starting up", "57P03")));
    }

    @Test
    void doesNotRetryHikariPoolTimeoutCausedByWrongPassword() {
        // HikariCP copies the last connection failure's SQLState into its timeout exception.
        SQLException auth = sql("FATAL: password authentication failed for user \"app\"", "28P01");
        SQLTransientConnectionException timeout = new SQLTransientConnectionException(
                "HikariPool-1 - Connection is not available, request timed out after 30000ms.", "28P01", auth);
        assertFalse(ACQUIRE.isRetryable(timeout));
        assertEquals("authentication failed (28P01)", JdbcFailureClassifier.describe(timeout));
    }

    @Test
    void retriesSocketFailuresFoundInTheCauseChain() {
        Throwable[] causes = {
            new SocketException("Connection reset"),
            new SocketException("Broken pipe (Write failed)"),
            new SocketException("Socket closed"),
            new SocketTimeoutException("connect timed out"),
            new NoRouteToHostException("No route to host"),
        };
        String[] labels = {"connection reset", "broken pipe", "socket closed", "socket timeout", "no route to host"};
        for (int i = 0; i < causes.length; i++) {
            SQLException wrapped = sql("The connection attempt failed.", null,
                    new RuntimeException("driver wrapper", causes[i]));
            assertTrue(ACQUIRE.isRetryable(wrapped), labels[i]);
            assertEquals(labels[i], JdbcFailureClassifier.describe(wrapped));
        }
    }

    @Test
    void retriesWhenTheSignalIsInTheNextExceptionChain() {
        SQLException top = sql("unknown wrapper failure", "HY000");
        top.setNextException(sql("FATAL: sorry, too many clients already", "53300"));
        assertTrue(ACQUIRE.isRetryable(top));
    }

    @Test
    void neverRetriesAuthenticationFailures() {
        assertFalse(ACQUIRE.isRetryable(sql("FATAL: password authentication failed for user \"app\"", "28P01")));
        assertFalse(ACQUIRE.isRetryable(sql("FATAL: no pg_hba.conf entry for host", "28000")));
    }

    @Test
    void neverRetriesMissingDatabaseOrSyntaxAndAccessErrors() {
        assertFalse(ACQUIRE.isRetryable(sql("FATAL: database \"nope\" does not exist", "3D000")));
        assertFalse(ACQUIRE.isRetryable(sql("permission denied for database app", "42501")));
        assertEquals("database does not exist (3D000)",
                JdbcFailureClassifier.describe(sql("FATAL: database \"nope\" does not exist", "3D000")));
    }

    @Test
    void neverRetriesUnknownHostEvenThoughTheDriverCallsItAConnectionFailure() {
        SQLException unknownHost = sql("The connection attempt failed.", "08001",
                new UnknownHostException("db.exmaple.com"));
        assertFalse(ACQUIRE.isRetryable(unknownHost));
        assertEquals("unknown host", JdbcFailureClassifier.describe(unknownHost));
    }

    @Test
    void neverRetriesBadUrlOrProperty() {
        assertFalse(ACQUIRE.isRetryable(sql("Invalid sslmode value: sometimes", "08001",
                new IllegalArgumentException("sometimes"))));
        assertFalse(ACQUIRE.isRetryable(new SQLNonTransientConnectionException("bad url", "08001",
                new MalformedURLException("no protocol"))));
        assertFalse(ACQUIRE.isRetryable(new IllegalArgumentException("portNumber must be a number")));
    }

    @Test
    void neverRetriesRejectedCertificate() {
        SQLException ssl = sql("SSL error: PKIX path building failed", "08006",
                new javax.net.ssl.SSLHandshakeException("PKIX") {
                    {
                        initCause(new CertificateException("unable to find valid certification path"));
                    }
                });
        assertFalse(ACQUIRE.isRetryable(ssl));
    }

    @Test
    void unknownFailuresAreNotRetried() {
        assertFalse(ACQUIRE.isRetryable(sql("duplicate key", "23505")));
        assertFalse(ACQUIRE.isRetryable(sql("no state", null)));
        assertFalse(ACQUIRE.isRetryable(new IllegalStateException("pool closed")));
        assertFalse(ACQUIRE.isRetryable(new IOException("something")));
        assertFalse(ACQUIRE.isRetryable(null));
        assertEquals("driver error before the network (IllegalStateException)",
                JdbcFailureClassifier.describe(new IllegalStateException("x")));
    }

    @Test
    void survivesCyclicChains() {
        SQLException a = sql("a", "HY000");
        SQLException b = sql("b", "HY000", a);
        a.setNextException(b); // a -> next b -> cause a
        assertFalse(ACQUIRE.isRetryable(a));

        SQLException x = sql("x", "HY000");
        SQLException y = sql("reset", "08006", new java.net.SocketException("Connection reset"));
        x.setNextException(y);
        y.setNextException(x);
        assertTrue(ACQUIRE.isRetryable(x));
    }

    @Test
    void describeNeverCopiesServerMessages() {
        String described = JdbcFailureClassifier.describe(
                sql("FATAL: password authentication failed for user \"alice\"", "28P01"));
        assertFalse(described.contains("alice"));
    }
}

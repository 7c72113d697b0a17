package dev.lifeline.demo.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.SocketException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.postgresql.util.PSQLException;

/** Each fault against a real PostgreSQL 14, as pgjdbc 42.7 reports it. */
class FaultProxyPostgresTest {

    private static EmbeddedPostgres postgres;
    private FaultProxy proxy;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @BeforeEach
    void startProxy() throws Exception {
        proxy = FaultProxy.start("127.0.0.1", postgres.getPort());
    }

    @AfterEach
    void closeProxy() {
        proxy.close();
    }

    @Test
    void forwardsQueries() throws Exception {
        try (Connection c = viaProxy()) {
            assertEquals(1, queryInt(c, "SELECT 1"));
        }
        assertEquals(1, proxy.acceptedTotal());
        assertEquals(0, proxy.refusedTotal());
    }

    @Test
    void refusedConnectionFailsWithConnectionClassSqlStateUntilSwitchedOff() throws Exception {
        proxy.refuseConnections(true);
        SQLException e = assertSqlException(this::viaProxy);
        assertTrue(e.getSQLState().startsWith("08"), e.getSQLState());
        assertEquals(1, proxy.refusedTotal());

        proxy.refuseConnections(false);
        try (Connection c = viaProxy()) {
            assertEquals(1, queryInt(c, "SELECT 1"));
        }
    }

    @Test
    void refuseConnectionsForRecoversByItself() throws Exception {
        proxy.refuseConnectionsFor(Duration.ofMillis(300));
        SQLException e = assertSqlException(this::viaProxy);
        assertTrue(e.getSQLState().startsWith("08"), e.getSQLState());

        Thread.sleep(400);
        try (Connection c = viaProxy()) {
            assertEquals(1, queryInt(c, "SELECT 1"));
        }
    }

    @Test
    void refusingLeavesExistingConnectionsAlone() throws Exception {
        try (Connection c = viaProxy()) {
            proxy.refuseConnections(true);
            assertEquals(1, queryInt(c, "SELECT 1"));
        }
    }

    @ParameterizedTest
    @EnumSource(FaultProxy.Refusal.class)
    void connectionBeyondLimitGetsThePoolersOwnError(FaultProxy.Refusal refusal) throws Exception {
        proxy.limitConnections(2, refusal);
        try (Connection a = viaProxy(); Connection b = viaProxy()) {
            SQLException e = assertSqlException(this::viaProxy);
            assertEquals(refusal.sqlState(), e.getSQLState());
            PSQLException pe = (PSQLException) e;
            assertNotNull(pe.getServerErrorMessage(), "pgjdbc parsed the ErrorResponse");
            assertEquals(refusal.message(2), pe.getServerErrorMessage().getMessage());
            assertEquals("FATAL", pe.getServerErrorMessage().getSeverity());
            assertEquals(1, proxy.refusedTotal());
            assertEquals(1, queryInt(a, "SELECT 1"), "connections under the limit still work");
        }
    }

    @Test
    void tooManyClientsMatchesPostgresWording() throws Exception {
        proxy.limitConnections(2, FaultProxy.Refusal.POSTGRES_TOO_MANY_CLIENTS);
        try (Connection a = viaProxy(); Connection b = viaProxy()) {
            SQLException e = assertSqlException(this::viaProxy);
            assertEquals("53300", e.getSQLState());
            assertEquals("FATAL: sorry, too many clients already", e.getMessage());
        }
        awaitOpen(0);
        try (Connection c = viaProxy()) {
            assertEquals(1, queryInt(c, "SELECT 1"), "slots are freed when connections close");
        }
    }

    @Test
    void supavisorSessionModeNamesThePoolSize() throws Exception {
        proxy.limitConnections(1, FaultProxy.Refusal.SUPAVISOR_SESSION_MODE);
        try (Connection a = viaProxy()) {
            SQLException e = assertSqlException(this::viaProxy);
            assertEquals("XX000", e.getSQLState());
            assertEquals("FATAL: (EMAXCONNSESSION) max clients reached in session mode"
                    + " - max clients are limited to pool_size: 1", e.getMessage());
        }
    }

    @Test
    void resetOnNextClientBytesFailsTheNextQueryBeforeTheServerSeesIt() throws Exception {
        execDirect("CREATE TABLE next_bytes (id int)");
        try (Connection c = viaProxy()) {
            proxy.resetOnNextClientBytes(true);
            SQLException e = assertSqlException(
                    () -> c.createStatement().executeUpdate("INSERT INTO next_bytes VALUES (1)"));
            assertEquals("08006", e.getSQLState());
            assertCausedBySocketException(e);
        }
        assertEquals(0, countDirect("next_bytes"), "the server never saw the insert");
        assertEquals(1, proxy.resetTotal());
    }

    @Test
    void resetOnNextClientBytesSparesLoginButHitsConnectionReusedAfterIdle() throws Exception {
        proxy.resetOnNextClientBytes(true);
        try (Connection c = viaProxy()) {
            assertEquals(1, queryInt(c, "SELECT 1"), "a busy new connection is not a reused one");
            Thread.sleep(200);
            SQLException e = assertSqlException(() -> queryInt(c, "SELECT 1"));
            assertEquals("08006", e.getSQLState());
        }
        proxy.resetOnNextClientBytes(false);
        try (Connection c = viaProxy()) {
            Thread.sleep(200);
            assertEquals(1, queryInt(c, "SELECT 1"));
        }
    }

    @Test
    void resetAfterForwardingFailsTheInsertButTheServerRanIt() throws Exception {
        execDirect("CREATE TABLE after_fwd (id int)");
        try (Connection c = viaProxy()) {
            proxy.resetAfterForwarding("INSERT INTO after_fwd");
            SQLException e = assertSqlException(
                    () -> c.createStatement().executeUpdate("INSERT INTO after_fwd VALUES (1)"));
            assertEquals("08006", e.getSQLState());
            assertCausedBySocketException(e);
        }
        assertEquals(1, countDirect("after_fwd"), "the row was committed although the client failed");
        try (Connection c = viaProxy()) {
            c.createStatement().executeUpdate("INSERT INTO after_fwd VALUES (2)");
        }
        assertEquals(2, countDirect("after_fwd"), "one-shot: the second insert goes through");
    }

    @Test
    void resetBeforeForwardingFailsTheInsertAndTheServerNeverRanIt() throws Exception {
        execDirect("CREATE TABLE before_fwd (id int)");
        try (Connection c = viaProxy()) {
            assertEquals(1, queryInt(c, "SELECT 1"), "chunks without the marker pass");
            proxy.resetBeforeForwarding("INSERT INTO before_fwd");
            SQLException e = assertSqlException(
                    () -> c.createStatement().executeUpdate("INSERT INTO before_fwd VALUES (1)"));
            assertEquals("08006", e.getSQLState());
        }
        assertEquals(0, countDirect("before_fwd"));
    }

    @Test
    void closeIdleAfterKillsIdleConnectionsAndSparesBusyOnes() throws Exception {
        proxy.closeIdleAfter(Duration.ofMillis(200));
        try (Connection idle = viaProxy(); Connection busy = viaProxy()) {
            long end = System.nanoTime() + Duration.ofMillis(500).toNanos();
            while (System.nanoTime() < end) {
                assertEquals(1, queryInt(busy, "SELECT 1"));
                Thread.sleep(50);
            }
            SQLException e = assertSqlException(() -> queryInt(idle, "SELECT 1"));
            assertEquals("08006", e.getSQLState());
            assertEquals(1, queryInt(busy, "SELECT 1"));
        }
        assertEquals(1, proxy.resetTotal());
    }

    @Test
    void latencyDelaysEachDirection() throws Exception {
        try (Connection c = viaProxy()) {
            proxy.latency(Duration.ofMillis(100));
            long start = System.nanoTime();
            assertEquals(1, queryInt(c, "SELECT 1"));
            long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertTrue(millis >= 200, "request and reply each delayed 100 ms, took " + millis + " ms");

            proxy.latency(null);
            start = System.nanoTime();
            assertEquals(1, queryInt(c, "SELECT 1"));
            millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertTrue(millis < 100, "latency off, took " + millis + " ms");
        }
    }

    @Test
    void resetAllBreaksEveryOpenConnection() throws Exception {
        try (Connection a = viaProxy(); Connection b = viaProxy()) {
            proxy.resetAll();
            assertEquals("08006", assertSqlException(() -> queryInt(a, "SELECT 1")).getSQLState());
            assertEquals("08006", assertSqlException(() -> queryInt(b, "SELECT 1")).getSQLState());
        }
        assertEquals(2, proxy.resetTotal());
        awaitOpen(0);
    }

    @Test
    void peakCountsConcurrentUpstreamConnections() throws Exception {
        List<Connection> connections = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                connections.add(viaProxy());
            }
            assertEquals(5, proxy.openConnections());
            assertEquals(5, proxy.peakOpenConnections());
        } finally {
            for (Connection c : connections) {
                c.close();
            }
        }
        awaitOpen(0);
        assertEquals(5, proxy.peakOpenConnections());
        proxy.resetPeak();
        assertEquals(0, proxy.peakOpenConnections());
        try (Connection c = viaProxy()) {
            assertEquals(1, proxy.peakOpenConnections());
        }
    }

    @Test
    void clearFaultsSwitchesEverythingOff() throws Exception {
        proxy.refuseConnections(true);
        proxy.latency(Duration.ofMillis(200));
        proxy.limitConnections(1, FaultProxy.Refusal.PGBOUNCER_MAX_CLIENT_CONN);
        proxy.resetBeforeForwarding("SELECT");
        proxy.clearFaults();
        try (Connection a = viaProxy(); Connection b = viaProxy()) {
            long start = System.nanoTime();
            assertEquals(1, queryInt(a, "SELECT 1"));
            assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 200);
        }
    }

    // --------------------------------------------------------------------------------- helpers

    private Connection viaProxy() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + proxy.host() + ":" + proxy.port()
                + "/postgres?user=postgres&connectTimeout=5&socketTimeout=10");
    }

    private static Connection direct() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgres.getPort()
                + "/postgres?user=postgres");
    }

    private static int queryInt(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void execDirect(String sql) throws SQLException {
        try (Connection c = direct(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static int countDirect(String table) throws SQLException {
        try (Connection c = direct()) {
            return queryInt(c, "SELECT count(*) FROM " + table);
        }
    }

    private static SQLException assertSqlException(Executable action) {
        return assertThrows(SQLException.class, action);
    }

    private static void assertCausedBySocketException(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketException) {
                return;
            }
        }
        throw new AssertionError("no SocketException in the cause chain", e);
    }

    private void awaitOpen(int expected) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (proxy.openConnections() != expected && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertEquals(expected, proxy.openConnections());
    }
}

package dev.lifeline.jdbc;

import com.zaxxer.hikari.HikariConfig;
import dev.lifeline.config.LifelineConfig;
import dev.lifeline.retry.RetryListener;

import dev.lifeline.weave.LifelineTransformer;
import dev.lifeline.weave.LoadedClasses;

import net.bytebuddy.agent.ByteBuddyAgent;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real advice, installed in this JVM, around fake drivers and data sources whose failures are
 * scripted: attempts are counted exactly.
 */
class InstrumentedAcquisitionTest {

    private static final String URL = "jdbc:flaky://db.example:5432/app?password=s3cret";

    @BeforeAll
    static void installAdvice() {
        // The agent's own transformer, told to weave this test's fake drivers (they live in
        // Lifeline's packages, which the agent otherwise skips).
        Instrumentation instrumentation = ByteBuddyAgent.install();
        instrumentation.addTransformer(new LifelineTransformer(null, false), true);
        LoadedClasses.retransform(instrumentation, LoadedClasses.hookPoints(instrumentation, true));
        // JUnit loaded the nested fakes while discovering tests, before the transformer was there.
        for (Class<?> nested : InstrumentedAcquisitionTest.class.getDeclaredClasses()) {
            if (Driver.class.isAssignableFrom(nested) || DataSource.class.isAssignableFrom(nested)) {
                LoadedClasses.retransform(instrumentation, List.of(nested));
            }
        }
    }

    @AfterEach
    void uninstallRuntime() {
        JdbcRuntime.uninstall();
    }

    private static void configure(String agentArguments) throws Exception {
        JdbcRuntime.install(LifelineConfig.load(agentArguments, Collections.emptyMap(), Collections.emptyMap(), line -> {
        }), RetryListener.NONE, JdbcEvents.NONE);
    }

    @Test
    void driverConnectRetriesARefusedConnectionAndReleasesTheSlotOnClose() throws Exception {
        configure("lifeline.retry.initialBackoff=1ms");
        FlakyDriver driver = new FlakyDriver(2, "08001");

        Connection connection = driver.connect(URL, new Properties());

        assertEquals(3, driver.attempts.get(), "two refusals, then success");
        TargetState target = JdbcRuntime.get().forUrl(URL);
        assertEquals("flaky:db.example:5432/app", target.name);
        assertEquals(1, target.cap.inUse());
        connection.close();
        assertEquals(0, target.cap.inUse());
        assertEquals(1, driver.closed.get());
    }

    @Test
    void aDataSourceAboveTheDriverDoesNotMultiplyAttempts() throws Exception {
        configure("lifeline.retry.initialBackoff=1ms,lifeline.jdbc.acquireMaxAttempts=3");
        FlakyDriver driver = new FlakyDriver(Integer.MAX_VALUE, "08001");
        FlakyDataSource dataSource = new FlakyDataSource(driver);

        SQLException failure = assertThrows(SQLException.class, dataSource::getConnection);

        assertEquals(3, driver.attempts.get(), "only the outermost call retries: 3 attempts, not 9");
        assertEquals("08001", failure.getSQLState());
        assertEquals(0, JdbcRuntime.get().forUrl(URL).cap.inUse(), "failed attempts hold no slot");
    }

    @Test
    void anAuthenticationFailureIsNeverRetriedAndReachesTheApplicationUntouched() throws Exception {
        configure("lifeline.retry.initialBackoff=1ms");
        FlakyDriver driver = new FlakyDriver(Integer.MAX_VALUE, "28P01");

        SQLException failure = assertThrows(SQLException.class, () -> driver.connect(URL, new Properties()));

        assertEquals(1, driver.attempts.get());
        assertEquals("28P01", failure.getSQLState());
        assertSame(driver.lastThrown, failure);
        assertEquals(0, failure.getSuppressed().length);
    }

    @Test
    void aGiveUpKeepsTheLastExceptionWithEarlierAttemptsSuppressed() throws Exception {
        configure("lifeline.retry.initialBackoff=1ms,lifeline.jdbc.acquireMaxAttempts=4");
        FlakyDriver driver = new FlakyDriver(Integer.MAX_VALUE, "08001");

        SQLException failure = assertThrows(SQLException.class, () -> driver.connect(URL, new Properties()));

        assertEquals(4, driver.attempts.get());
        assertSame(driver.lastThrown, failure, "the application gets the last attempt's own exception");
        long earlier = java.util.Arrays.stream(failure.getSuppressed()).filter(s -> s instanceof SQLException).count();
        assertEquals(3, earlier);
        String all = java.util.Arrays.toString(failure.getSuppressed());
        assertTrue(all.contains("flaky:db.example:5432/app") && !all.contains("s3cret"), all);
    }

    @Test
    void callersBeyondTheCapWaitThenGetATransientConnectionException() throws Exception {
        configure("lifeline.jdbc.maxConnections=1,lifeline.jdbc.acquireTimeout=200ms");
        FlakyDriver driver = new FlakyDriver(0, "08001");
        Connection first = driver.connect(URL, new Properties());

        long start = System.nanoTime();
        SQLTransientConnectionException timeout = assertThrows(SQLTransientConnectionException.class,
                () -> driver.connect(URL, new Properties()));
        long waitedMs = (System.nanoTime() - start) / 1_000_000;

        assertTrue(waitedMs >= 150, "waited for a slot: " + waitedMs + " ms");
        assertTrue(timeout.getMessage().contains("lifeline.jdbc.maxConnections"), timeout.getMessage());
        assertEquals(1, driver.attempts.get(), "the driver was never asked for a second connection");
        first.close();
        driver.connect(URL, new Properties()).close();
        assertEquals(2, driver.attempts.get());
    }

    @Test
    void withoutStatementReplaysTheDriversOwnConnectionsTakeNoSlotAndStillRetryTheirConnect() throws Exception {
        configure("lifeline.jdbc.replayStatements=false,lifeline.jdbc.maxConnections=1,lifeline.jdbc.acquireTimeout=200ms,"
                + "lifeline.retry.initialBackoff=1ms");
        FlakyDriver driver = new FlakyDriver(1, "08001");
        Connection first = driver.connect(URL, new Properties());
        Connection second = driver.connect(URL, new Properties());

        assertTrue(Proxy.isProxyClass(first.getClass()) && Proxy.isProxyClass(second.getClass()),
                "the driver's own objects: " + first.getClass() + ", " + second.getClass());
        assertEquals(3, driver.attempts.get(), "one refusal retried, then two connections beyond maxConnections=1");
        TargetState target = JdbcRuntime.get().forUrl(URL);
        assertEquals(0, target.cap.inUse(), "their close is never seen, so they hold no slot");
        first.close();
        second.close();
        assertEquals(0, target.cap.inUse());
    }

    @Test
    void aDriverThatDeclinesTheUrlStillReturnsNull() throws Exception {
        configure("");
        FlakyDriver driver = new FlakyDriver(0, "08001");
        assertEquals(null, driver.connect("jdbc:other://x/y", new Properties()));
    }

    @Test
    void hikariPoolsAreClampedToTheCapUnlessSmaller() throws Exception {
        configure("lifeline.jdbc.maxConnections=6");
        HikariConfig big = new HikariConfig();
        big.setJdbcUrl("jdbc:postgresql://127.0.0.1:5432/app");
        big.setMaximumPoolSize(40);
        big.validate();
        assertEquals(6, big.getMaximumPoolSize());
        assertEquals(60_000, big.getKeepaliveTime(), "keepalive from lifeline.jdbc.keepalive");

        HikariConfig own = new HikariConfig();
        own.setJdbcUrl("jdbc:postgresql://127.0.0.1:5432/app");
        own.setMaximumPoolSize(4);
        own.setKeepaliveTime(45_000);
        own.validate();
        assertEquals(4, own.getMaximumPoolSize());
        assertEquals(45_000, own.getKeepaliveTime(), "the application's own keepalive is kept");
    }

    @Test
    void aDataSourceDefinedAfterTheAgentRunsItsOwnBodyFromAPrivateMethodAndRetriesThere() throws Exception {
        configure("lifeline.retry.initialBackoff=1ms,lifeline.jdbc.acquireMaxAttempts=3");
        Class<?> type = definedAfterTheAgent(ScriptedDataSource.class);
        Method body = type.getDeclaredMethod("lifeline$getConnection");
        assertTrue(Modifier.isPrivate(body.getModifiers()) && body.isSynthetic(), body.toString());
        assertTrue(type.getMethod("getConnection").isAnnotationPresent(Deprecated.class), "annotations stay on the public method");
        assertFalse(Modifier.isSynchronized(type.getMethod("getConnection", String.class, String.class).getModifiers()),
                "no retry waits under the data source's monitor");
        assertTrue(Modifier.isSynchronized(type.getDeclaredMethod("lifeline$getConnection", String.class, String.class)
                .getModifiers()), "the body keeps it");

        FlakyDriver refusesTwice = new FlakyDriver(2, "08001");
        Connection connection = scripted(type, refusesTwice).getConnection();
        assertEquals(3, refusesTwice.attempts.get(), "two refusals, then success");
        connection.close();
        assertEquals(1, refusesTwice.closed.get());

        FlakyDriver refusesAlways = new FlakyDriver(Integer.MAX_VALUE, "08001");
        SQLException failure = assertThrows(SQLException.class, () -> scripted(type, refusesAlways).getConnection("u", "p"));
        assertEquals(3, refusesAlways.attempts.get(), "getConnection(user, password) calling getConnection(): 3 attempts, not 9");
        assertSame(refusesAlways.lastThrown, failure);
        assertEquals("08001", failure.getSQLState());
    }

    @Test
    void aSplitDataSourceHandsOverFailuresItMustNotRetryAsTheyWereThrown() throws Exception {
        configure("lifeline.retry.initialBackoff=1ms");
        Class<?> type = definedAfterTheAgent(ScriptedDataSource.class);

        FlakyDriver wrongPassword = new FlakyDriver(Integer.MAX_VALUE, "28P01");
        SQLException refused = assertThrows(SQLException.class, () -> scripted(type, wrongPassword).getConnection());
        assertEquals(1, wrongPassword.attempts.get());
        assertSame(wrongPassword.lastThrown, refused);
        assertEquals(0, refused.getSuppressed().length);

        IllegalStateException bug = new IllegalStateException("the pool's own bug");
        FlakyDriver throwing = new FlakyDriver(0, "08001") {
            @Override
            public Connection connect(String url, Properties info) {
                throw bug;
            }
        };
        assertSame(bug, assertThrows(IllegalStateException.class, () -> scripted(type, throwing).getConnection()));

        // The failed borrows ended their acquisition: the next one on this thread retries again.
        FlakyDriver refusesOnce = new FlakyDriver(1, "08001");
        scripted(type, refusesOnce).getConnection().close();
        assertEquals(2, refusesOnce.attempts.get());
    }

    @Test
    void aSplitDataSourceKeepsItsShapeWhenRetransformed() throws Exception {
        configure("lifeline.retry.initialBackoff=1ms");
        Class<?> type = definedAfterTheAgent(ScriptedDataSource.class);

        ByteBuddyAgent.install().retransformClasses(type);

        assertEquals(2, java.util.Arrays.stream(type.getDeclaredMethods())
                .filter(m -> m.getName().equals("lifeline$getConnection")).count());
        FlakyDriver refusesTwice = new FlakyDriver(2, "08001");
        scripted(type, refusesTwice).getConnection().close();
        assertEquals(3, refusesTwice.attempts.get());
    }

    private static DataSource scripted(Class<?> type, Driver driver) throws Exception {
        return (DataSource) type.getConstructor(Driver.class, String.class).newInstance(driver, URL);
    }

    /** A fresh copy of {@code type}, defined now (so woven as a class the application loads after the agent). */
    private static Class<?> definedAfterTheAgent(Class<?> type) throws Exception {
        byte[] bytes;
        try (java.io.InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            bytes = in.readAllBytes();
        }
        ClassLoader loader = new ClassLoader(InstrumentedAcquisitionTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                synchronized (getClassLoadingLock(name)) {
                    if (!name.equals(type.getName())) {
                        return super.loadClass(name, resolve);
                    }
                    Class<?> loaded = findLoadedClass(name);
                    return loaded != null ? loaded : defineClass(name, bytes, 0, bytes.length);
                }
            }
        };
        return Class.forName(type.getName(), true, loader);
    }

    /** Fails the first {@code failures} connects with the given SQLState, then hands out fake connections. */
    public static class FlakyDriver implements Driver {
        final AtomicInteger attempts = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();
        final int failures;
        final String sqlState;
        volatile SQLException lastThrown;

        FlakyDriver(int failures, String sqlState) {
            this.failures = failures;
            this.sqlState = sqlState;
        }

        @Override
        public Connection connect(String url, Properties info) throws SQLException {
            if (!acceptsURL(url)) {
                return null;
            }
            if (attempts.incrementAndGet() <= failures) {
                lastThrown = new SQLException("Connection to db.example:5432 refused (attempt " + attempts.get() + ")",
                        sqlState, new ConnectException("Connection refused"));
                throw lastThrown;
            }
            return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{Connection.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("close")) {
                            closed.incrementAndGet();
                        }
                        return method.getReturnType() == boolean.class ? false : null;
                    });
        }

        @Override
        public boolean acceptsURL(String url) {
            return url.startsWith("jdbc:flaky:");
        }

        @Override
        public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
            return new DriverPropertyInfo[0];
        }

        @Override
        public int getMajorVersion() {
            return 1;
        }

        @Override
        public int getMinorVersion() {
            return 0;
        }

        @Override
        public boolean jdbcCompliant() {
            return false;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }
    }

    /** A data source that opens each connection through the driver, like pgjdbc's simple data source. */
    public static final class FlakyDataSource extends DataSourceSkeleton {
        private final Driver driver;

        FlakyDataSource(Driver driver) {
            this.driver = driver;
        }

        public String getUrl() {
            return URL;
        }

        @Override
        public Connection getConnection() throws SQLException {
            return driver.connect(URL, new Properties());
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return getConnection();
        }
    }
}

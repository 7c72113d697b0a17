package dev.lifeline.bench.jmh;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import stubjdbc.StubConnection;
import stubjdbc.StubDriver;
import stubjdbc.StubPreparedStatement;
import stubjdbc.StubStatement;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

/**
 * The JDBC calls an application makes most, one at a time, over the {@link StubDriver} (no I/O):
 * what a call costs through Lifeline's wrappers compared with the driver's own objects. The code
 * never mentions the agent: the same benchmark runs in a fork without {@code -javaagent} ("bare")
 * and in one with {@code -javaagent:lifeline-agent.jar} ("wrapper"), where {@code Driver.connect}
 * hands out Lifeline's connection. Each state checks once, at set-up, that it got what its fork
 * promises ({@link ForkExpectation}), so a wrapper figure can never silently be a bare one.
 *
 * <pre>java -cp benchmarks/target/lifeline-benchmarks.jar org.openjdk.jmh.Main JdbcHotPath \
 *     [-jvmArgsAppend -javaagent:agent/target/lifeline-agent.jar]</pre>
 * The runner ({@code --only jmh}) runs both forks in interleaved rounds and writes the table.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// The same heap and collector as the whole-JVM runner's children.
@Fork(value = 1, jvmArgs = {"-Xmx256m", "-XX:+UseG1GC"})
public class JdbcHotPath {

    static final String INSERT = "insert into bench_insert(v) values (?)";
    public static final int BATCH_ROWS = 8;

    /** One connection with a statement and two prepared statements, kept for the whole trial. */
    @State(Scope.Thread)
    public static class Session {
        Connection connection;
        Statement statement;
        PreparedStatement insert;
        PreparedStatement batchInsert;
        long nextId;

        @Setup(Level.Trial)
        public void open() throws SQLException {
            StubDriver.register();
            connection = DriverManager.getConnection("jdbc:stub:session");
            statement = connection.createStatement();
            insert = connection.prepareStatement(INSERT);
            batchInsert = connection.prepareStatement(INSERT);
            ForkExpectation.check("DriverManager.getConnection", connection, StubConnection.class);
            ForkExpectation.check("Connection.createStatement", statement, StubStatement.class);
            ForkExpectation.check("Connection.prepareStatement", insert, StubPreparedStatement.class);
        }

        @TearDown(Level.Trial)
        public void close() throws SQLException {
            connection.close();
        }
    }

    /** A HikariCP pool of 2 over the stub driver, as an ordinary application configures one. */
    @State(Scope.Thread)
    public static class Pool {
        HikariDataSource pool;
        long nextId;

        @Setup(Level.Trial)
        public void open() throws SQLException {
            StubDriver.register();
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl("jdbc:stub:pool");
            config.setPoolName("jmh");
            config.setMaximumPoolSize(2);
            config.setMinimumIdle(2);
            pool = new HikariDataSource(config);
            try (Connection borrowed = pool.getConnection()) {
                // HikariCP's proxy hands out its delegate: the driver's connection, or Lifeline's over it.
                ForkExpectation.check("HikariDataSource.getConnection (HikariCP's delegate)",
                        borrowed.unwrap(Connection.class), StubConnection.class);
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            pool.close();
        }
    }

    /** {@code Statement.executeQuery("select 1")}, read the row, close the result set. */
    @Benchmark
    public int statementExecuteQuery(Session session) throws SQLException {
        try (ResultSet rs = session.statement.executeQuery("select 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** A kept {@code PreparedStatement}: bind one parameter, {@code executeUpdate}. */
    @Benchmark
    public int preparedExecuteUpdate(Session session) throws SQLException {
        session.insert.setLong(1, ++session.nextId);
        return session.insert.executeUpdate();
    }

    /** A kept {@code PreparedStatement}: {@value #BATCH_ROWS} rows bound and added, one {@code executeBatch}. */
    @Benchmark
    public int[] preparedExecuteBatch(Session session) throws SQLException {
        PreparedStatement batch = session.batchInsert;
        for (int i = 0; i < BATCH_ROWS; i++) {
            batch.setLong(1, ++session.nextId);
            batch.addBatch();
        }
        return batch.executeBatch();
    }

    /** What most applications do per statement: prepare, bind, execute, close. */
    @Benchmark
    public int prepareBindExecuteClose(Session session) throws SQLException {
        try (PreparedStatement ps = session.connection.prepareStatement(INSERT)) {
            ps.setLong(1, ++session.nextId);
            return ps.executeUpdate();
        }
    }

    /** A connection borrow: HikariCP {@code getConnection} and {@code close} (back to the pool). */
    @Benchmark
    public Connection hikariBorrow(Pool pool) throws SQLException {
        try (Connection connection = pool.pool.getConnection()) {
            return connection;
        }
    }

    /** The whole-JVM runner's SELECT 1 operation at stub speed: borrow, prepare, execute the query, read the row, close all three. */
    @Benchmark
    public int hikariBorrowPrepareQuery(Pool pool) throws SQLException {
        try (Connection connection = pool.pool.getConnection();
             PreparedStatement ps = connection.prepareStatement("select 1");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** The whole-JVM runner's INSERT operation at stub speed: borrow, prepare, bind, execute, close both. */
    @Benchmark
    public int hikariBorrowPrepareExecute(Pool pool) throws SQLException {
        try (Connection connection = pool.pool.getConnection();
             PreparedStatement ps = connection.prepareStatement(INSERT)) {
            ps.setLong(1, ++pool.nextId);
            return ps.executeUpdate();
        }
    }
}

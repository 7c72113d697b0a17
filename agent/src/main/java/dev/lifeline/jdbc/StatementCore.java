package dev.lifeline.jdbc;

import dev.lifeline.jdbc.pgjdbc.ResultCount;
import dev.lifeline.log.LifelineLog;
import dev.lifeline.retry.FailureClassifier;

import java.io.EOFException;
import java.io.InputStream;
import java.io.Reader;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state and behaviour behind a statement of a Lifeline connection: remembers how it was
 * created, its settings and bound parameters (in memory only, never logged), so that it can be
 * re-created on a replacement connection and run again where {@link ReplayDecision} allows it.
 *
 * <p>The no-failure path of an execute is the driver's call plus a little bookkeeping; everything
 * about failures happens in {@link #recover}. Public methods are the wrapper's handlers (matched
 * by name and signature), {@code lifeline$record} the recording calls of its setters.
 */
public final class StatementCore {

    // How the statement was created (replayed by recreate()).
    static final int CREATE = 0;
    static final int CREATE_2 = 1;
    static final int CREATE_3 = 2;
    static final int PREPARE = 3;
    static final int PREPARE_KEYS = 4;
    static final int PREPARE_INDEXES = 5;
    static final int PREPARE_NAMES = 6;
    static final int PREPARE_2 = 7;
    static final int PREPARE_3 = 8;
    static final int CALL = 9;
    static final int CALL_2 = 10;
    static final int CALL_3 = 11;

    // What an execute was (re-invoked by invoke()).
    private static final int EXECUTE = 0;
    private static final int EXECUTE_KEYS = 1;
    private static final int EXECUTE_INDEXES = 2;
    private static final int EXECUTE_NAMES = 3;
    private static final int QUERY = 4;
    private static final int UPDATE = 5;
    private static final int UPDATE_KEYS = 6;
    private static final int UPDATE_INDEXES = 7;
    private static final int UPDATE_NAMES = 8;
    private static final int LARGE_UPDATE = 9;
    private static final int LARGE_UPDATE_KEYS = 10;
    private static final int LARGE_UPDATE_INDEXES = 11;
    private static final int LARGE_UPDATE_NAMES = 12;
    private static final int BATCH = 13;
    private static final int LARGE_BATCH = 14;
    private static final int PREPARED_EXECUTE = 15;
    private static final int PREPARED_QUERY = 16;
    private static final int PREPARED_UPDATE = 17;
    private static final int PREPARED_LARGE_UPDATE = 18;

    private static final int[] NO_IDS = new int[0];

    // A volatile store is followed by a full fence on x86. The constructor's stores and close()'s
    // need none (the object reaches other threads only through the application's own hand-over),
    // so they are plain or release stores through these handles; reads stay volatile.
    private static final VarHandle PHYSICAL;
    private static final VarHandle GENERATION;
    private static final VarHandle CLOSED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            PHYSICAL = lookup.findVarHandle(StatementCore.class, "physical", Statement.class);
            GENERATION = lookup.findVarHandle(StatementCore.class, "generation", int.class);
            CLOSED = lookup.findVarHandle(StatementCore.class, "closed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The driver's statement this one currently stands for. Read by the generated wrapper on every call. */
    public volatile Statement physical;

    final ConnectionCore owner;
    private final WrapperType type;
    private final int creator;
    /** The SQL of a prepared or callable statement; null for a plain one. */
    private final String preparedSql;
    private final int creatorA;
    private final int creatorB;
    private final int creatorC;
    private final Object creatorExtra;
    private volatile int generation;
    Object wrapper;

    private volatile boolean cancelled;
    private volatile boolean closed;
    /** The session's result count when the current execution started (see {@link ConnectionCore#results}). */
    private ResultCount countedOn;
    private int resultsAtStart;

    // Bound parameters by index, the common shapes unboxed: id + 1 of the setter (0 = none), and its value.
    private int[] parameterIds = NO_IDS;
    private long[] parameterBits;
    private Object[] parameterValues;
    /** Parameters of other shapes (named, several values, out parameters), by setter and first argument. */
    private Map<String, Object[]> otherParameters;
    /** Statement settings (fetch size, timeouts...), by setter. */
    private Map<Integer, Object[]> settings;
    private List<Batch> parameterBatches;
    private List<String> sqlBatch;
    /** A stream or reader was bound: it is consumed by the first execution and cannot be replayed. */
    private boolean streamBound;
    /** A setter was used that reflection cannot call again: the statement cannot be re-created. */
    private boolean unreplayable;

    private StatementCore(ConnectionCore owner, Statement physical, WrapperType type, int creator, String sql,
                          int a, int b, int c, Object extra) {
        this.owner = owner;
        PHYSICAL.set(this, physical);
        this.type = type;
        this.creator = creator;
        this.preparedSql = sql;
        this.creatorA = a;
        this.creatorB = b;
        this.creatorC = c;
        this.creatorExtra = extra;
        GENERATION.set(this, owner.generation());
    }

    static Statement wrap(ConnectionCore owner, Statement physical, int creator, String sql, int a, int b, int c,
                          Object extra) {
        // The connection remembers its last statement class: one comparison instead of a ClassValue
        // lookup (four objects to read) per statement. A connection is used by one thread at a time.
        WrapperType type = owner.statementType;
        if (type == null || type.physicalClass != physical.getClass()) {
            type = WrapperType.STATEMENTS.get(physical.getClass());
            owner.statementType = type;
        }
        StatementCore core = new StatementCore(owner, physical, type, creator, sql, a, b, c, extra);
        LifelineWrapper prototype = type.prototype;
        Object wrapper = prototype != null ? prototype.lifeline$new(core) : type.instantiate(core);
        core.wrapper = wrapper;
        return (Statement) wrapper;
    }

    // ---------------------------------------------------------------- executes of Statement

    public boolean execute(String sql) throws SQLException {
        Statement p = begin();
        try {
            boolean result = p.execute(sql);
            end(sql);
            return result;
        } catch (SQLException e) {
            return (Boolean) recover(e, EXECUTE, sql, 0, null);
        }
    }

    public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
        Statement p = begin();
        try {
            boolean result = p.execute(sql, autoGeneratedKeys);
            end(sql);
            return result;
        } catch (SQLException e) {
            return (Boolean) recover(e, EXECUTE_KEYS, sql, autoGeneratedKeys, null);
        }
    }

    public boolean execute(String sql, int[] columnIndexes) throws SQLException {
        Statement p = begin();
        try {
            boolean result = p.execute(sql, columnIndexes);
            end(sql);
            return result;
        } catch (SQLException e) {
            return (Boolean) recover(e, EXECUTE_INDEXES, sql, 0, columnIndexes);
        }
    }

    public boolean execute(String sql, String[] columnNames) throws SQLException {
        Statement p = begin();
        try {
            boolean result = p.execute(sql, columnNames);
            end(sql);
            return result;
        } catch (SQLException e) {
            return (Boolean) recover(e, EXECUTE_NAMES, sql, 0, columnNames);
        }
    }

    public ResultSet executeQuery(String sql) throws SQLException {
        Statement p = begin();
        try {
            ResultSet result = p.executeQuery(sql);
            end(sql);
            return result;
        } catch (SQLException e) {
            return (ResultSet) recover(e, QUERY, sql, 0, null);
        }
    }

    public int executeUpdate(String sql) throws SQLException {
        Statement p = begin();
        try {
            int result = p.executeUpdate(sql);
            end(sql);
            return result;
        } catch (SQLException e) {
            return (Integer) recover(e, UPDATE, sql, 0, null);
        }
    }

    public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        Statement p = begin();
        try {
            int result = p.executeUpdate(sql, autoGeneratedKeys);
            end(sql);
            return result;
        } catch (SQLException e) {
            return (Integer) recover(e, UPDATE_KEYS, sql, autoGeneratedKeys, null);
        }
    }

    public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
        Statement p = begin();
        try {
            int result = p.executeUpdate(sql, columnIndexes);
            end(sql);
            return result;
        } catch (SQLException e) {
            return (Integer) recover(e, UPDATE_INDEXES, sql, 0, columnIndexes);
        }
    }

    public int executeUpdate(String sql, String[] columnNames) throws SQLException {
        Statement p = begin();
        try {
            int result = p.executeUpdate(sql, columnNames);
            end(sql);
            return result;
        } catch (SQLException e) {
            return (Integer) recover(e, UPDATE_NAMES, sql, 0, columnNames);
        }
    }

    public long executeLargeUpdate(String sql) throws SQLException {
        Statement p = begin();
        try {
            long result = p.executeLargeUpdate(sql);
            end(sql);
            return result;
        } catch (SQLException e) {
            return (Long) recover(e, LARGE_UPDATE, sql, 0, null);
        }
    }

    public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        Statement p = begin();
        try {
            long result = p.executeLargeUpdate(sql, autoGeneratedKeys);
            end(sql);
            return result;
        } catch (SQLException e) {
            return (Long) recover(e, LARGE_UPDATE_KEYS, sql, autoGeneratedKeys, null);
        }
    }

    public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
        Statement p = begin();
        try {
            long result = p.executeLargeUpdate(sql, columnIndexes);
            end(sql);
            return result;
        } catch (SQLException e) {
            return (Long) recover(e, LARGE_UPDATE_INDEXES, sql, 0, columnIndexes);
        }
    }

    public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
        Statement p = begin();
        try {
            long result = p.executeLargeUpdate(sql, columnNames);
            end(sql);
            return result;
        } catch (SQLException e) {
            return (Long) recover(e, LARGE_UPDATE_NAMES, sql, 0, columnNames);
        }
    }

    public int[] executeBatch() throws SQLException {
        Statement p = begin();
        try {
            int[] result = p.executeBatch();
            end(batchSql());
            clearRecordedBatch();
            return result;
        } catch (SQLException e) {
            try {
                return (int[]) recover(e, BATCH, batchSql(), 0, null);
            } finally {
                clearRecordedBatch(); // JDBC clears the batch once it was executed, whatever the outcome
            }
        }
    }

    public long[] executeLargeBatch() throws SQLException {
        Statement p = begin();
        try {
            long[] result = p.executeLargeBatch();
            end(batchSql());
            clearRecordedBatch();
            return result;
        } catch (SQLException e) {
            try {
                return (long[]) recover(e, LARGE_BATCH, batchSql(), 0, null);
            } finally {
                clearRecordedBatch();
            }
        }
    }

    // ---------------------------------------------------------------- executes of PreparedStatement

    public boolean execute() throws SQLException {
        PreparedStatement p = (PreparedStatement) begin();
        try {
            boolean result = p.execute();
            end(preparedSql);
            return result;
        } catch (SQLException e) {
            return (Boolean) recover(e, PREPARED_EXECUTE, preparedSql, 0, null);
        }
    }

    public ResultSet executeQuery() throws SQLException {
        PreparedStatement p = (PreparedStatement) begin();
        try {
            ResultSet result = p.executeQuery();
            end(preparedSql);
            return result;
        } catch (SQLException e) {
            return (ResultSet) recover(e, PREPARED_QUERY, preparedSql, 0, null);
        }
    }

    public int executeUpdate() throws SQLException {
        PreparedStatement p = (PreparedStatement) begin();
        try {
            int result = p.executeUpdate();
            end(preparedSql);
            return result;
        } catch (SQLException e) {
            return (Integer) recover(e, PREPARED_UPDATE, preparedSql, 0, null);
        }
    }

    public long executeLargeUpdate() throws SQLException {
        PreparedStatement p = (PreparedStatement) begin();
        try {
            long result = p.executeLargeUpdate();
            end(preparedSql);
            return result;
        } catch (SQLException e) {
            return (Long) recover(e, PREPARED_LARGE_UPDATE, preparedSql, 0, null);
        }
    }

    // ---------------------------------------------------------------- batches, parameters, life cycle

    public void addBatch(String sql) throws SQLException {
        physical.addBatch(sql);
        if (sqlBatch == null) {
            sqlBatch = new ArrayList<>();
        }
        sqlBatch.add(sql);
    }

    public void addBatch() throws SQLException {
        ((PreparedStatement) physical).addBatch();
        if (parameterBatches == null) {
            parameterBatches = new ArrayList<>();
        }
        parameterBatches.add(new Batch(this));
    }

    public void clearBatch() throws SQLException {
        physical.clearBatch();
        clearRecordedBatch();
    }

    public void clearParameters() throws SQLException {
        ((PreparedStatement) physical).clearParameters();
        Arrays.fill(parameterIds, 0);
        if (parameterValues != null) {
            Arrays.fill(parameterValues, null);
        }
        otherParameters = null;
        streamBound = false;
    }

    /** Cancelling is the application's decision: the execution it ends is never replayed. */
    public void cancel() throws SQLException {
        cancelled = true;
        physical.cancel();
    }

    public void close() throws SQLException {
        CLOSED.setRelease(this, true);
        physical.close();
    }

    /** Not closed merely because the connection under it was replaced (it is re-created on next use). */
    public boolean isClosed() throws SQLException {
        if (closed) {
            return true;
        }
        return generation == owner.generation() && physical.isClosed();
    }

    public Connection getConnection() {
        return (Connection) owner.wrapper;
    }

    public <T> T unwrap(Class<T> iface) throws SQLException {
        return WrapperIdentity.unwrap(wrapper, physical, iface);
    }

    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return WrapperIdentity.isWrapperFor(wrapper, physical, iface);
    }

    public boolean wrapperEquals(Object other) {
        return other == wrapper;
    }

    public int wrapperHashCode() {
        return System.identityHashCode(wrapper);
    }

    public String wrapperToString() {
        return physical.toString();
    }

    // ---------------------------------------------------------------- recording (called by the generated setters)

    // The generated setters call these only for setters that can be replayed (type.recorded[id] is
    // not null); the others call lifeline$unreplayable().

    /** A setter whose call reflection cannot repeat: the statement cannot be re-created from now on. */
    public void lifeline$unreplayable() {
        unreplayable = true;
    }

    /** A one-argument setter with a primitive value (a setting: fetch size, query timeout...). */
    public void lifeline$record(int id, long bits) {
        settings().put(id, new Object[]{WrapperValues.decode(type.recorded[id], 0, bits)});
    }

    /** A one-argument setter with an object value. */
    public void lifeline$record(int id, Object value) {
        settings().put(id, new Object[]{value});
    }

    /** {@code setX(index, primitive)}: a bound parameter (or, on a plain statement, a setting). */
    public void lifeline$record(int id, int index, long bits) {
        if (preparedSql == null || index < 0) {
            settings().put(id, new Object[]{index, WrapperValues.decode(type.recorded[id], 1, bits)});
        } else {
            slot(index);
            parameterIds[index] = id + 1;
            if (parameterBits == null) {
                parameterBits = new long[parameterIds.length];
            }
            parameterBits[index] = bits;
            if (parameterValues != null) {
                parameterValues[index] = null;
            }
        }
    }

    /** {@code setX(index, object)}. */
    public void lifeline$record(int id, int index, Object value) {
        if (value instanceof InputStream || value instanceof Reader) {
            streamBound = true;
        }
        if (preparedSql == null || index < 0) {
            settings().put(id, new Object[]{index, value});
        } else {
            slot(index);
            parameterIds[index] = id + 1;
            if (parameterValues == null) {
                parameterValues = new Object[parameterIds.length];
            }
            parameterValues[index] = value;
        }
    }

    /** Any other shape, every argument boxed. */
    public void lifeline$record(int id, Object[] arguments) {
        for (Object argument : arguments) {
            if (argument instanceof InputStream || argument instanceof Reader) {
                streamBound = true;
            }
        }
        if (preparedSql != null && arguments.length >= 2
                && (arguments[0] instanceof Integer || arguments[0] instanceof String)) {
            Object first = arguments[0];
            String name = type.recorded[id].getName();
            // registerOutParameter and setX are kept apart: an INOUT parameter has both.
            String key = (name.equals("registerOutParameter") ? "out:" : "in:") + first;
            if (first instanceof Integer && !name.equals("registerOutParameter")) {
                int index = (Integer) first;
                if (index >= 0 && index < parameterIds.length) {
                    parameterIds[index] = 0; // a later setter of another shape replaces an earlier one
                }
            }
            if (otherParameters == null) {
                otherParameters = new LinkedHashMap<>();
            }
            otherParameters.remove(key);
            Object[] entry = new Object[arguments.length + 1];
            entry[0] = id;
            System.arraycopy(arguments, 0, entry, 1, arguments.length);
            otherParameters.put(key, entry);
        } else {
            settings().put(id, arguments);
        }
    }

    private Map<Integer, Object[]> settings() {
        if (settings == null) {
            settings = new LinkedHashMap<>(4);
        }
        return settings;
    }

    private void slot(int index) {
        int length = parameterIds.length;
        if (index < length) {
            return;
        }
        if (length == 0) {
            // First bind: as many slots as the SQL has placeholders (an upper bound: a '?' in a
            // literal or an operator counts too), so a one-parameter INSERT records into arrays of
            // two, not eight. The value arrays come when a value of their kind is first bound
            // (most statements bind one kind).
            parameterIds = new int[Math.max(index + 1, placeholdersOf(preparedSql) + 1)];
            return;
        }
        int size = Math.max(index + 1, length * 2);
        parameterIds = Arrays.copyOf(parameterIds, size);
        parameterBits = parameterBits == null ? null : Arrays.copyOf(parameterBits, size);
        parameterValues = parameterValues == null ? null : Arrays.copyOf(parameterValues, size);
    }

    /**
     * The placeholder counts of SQL texts prepared lately, by hash. An application prepares the
     * same few texts over and over (a new statement per borrow), and scanning the text on each
     * first bind cost more than all the rest of recording a parameter. Entries are immutable, so
     * threads may overwrite each other's freely; texts longer than {@link #COUNTED_SQL_LIMIT} are
     * not kept (an application building huge SQL strings must not find 64 of them held here).
     */
    private static final PlaceholderCount[] PLACEHOLDER_COUNTS = new PlaceholderCount[64];
    static final int COUNTED_SQL_LIMIT = 2048;

    private static final class PlaceholderCount {
        final String sql;
        final int count;

        PlaceholderCount(String sql, int count) {
            this.sql = sql;
            this.count = count;
        }
    }

    /** {@link #placeholders(String)}, remembered for the texts prepared lately. */
    static int placeholdersOf(String sql) {
        // The driver hashed the text as it prepared it (its statement cache's key): String caches that.
        int slot = sql.hashCode() & (PLACEHOLDER_COUNTS.length - 1);
        PlaceholderCount known = PLACEHOLDER_COUNTS[slot];
        if (known != null && known.sql.equals(sql)) { // usually the very same constant: equals answers on identity
            return known.count;
        }
        int count = placeholders(sql);
        if (sql.length() <= COUNTED_SQL_LIMIT) {
            PLACEHOLDER_COUNTS[slot] = new PlaceholderCount(sql, count);
        }
        return count;
    }

    /** The number of {@code '?'} in the SQL ({@code String.indexOf} is vectorised: a few ns for a short statement). */
    static int placeholders(String sql) {
        int count = 0;
        for (int at = sql.indexOf('?'); at >= 0; at = sql.indexOf('?', at + 1)) {
            count++;
        }
        return count;
    }

    private void clearRecordedBatch() {
        parameterBatches = null;
        sqlBatch = null;
    }

    /** The one SQL of a batch that could be judged, or null (several statements: treated as a write). */
    private String batchSql() {
        if (preparedSql != null) {
            return preparedSql;
        }
        return sqlBatch != null && sqlBatch.size() == 1 ? sqlBatch.get(0) : null;
    }

    // ---------------------------------------------------------------- the fast path's bookkeeping

    private Statement begin() throws SQLException {
        if (JdbcRuntime.get() != null) {
            try {
                owner.beforeStatement();
                if (generation != owner.generation()) {
                    recreate();
                }
                ResultCount results = owner.results;
                countedOn = results;
                if (results != null) {
                    resultsAtStart = results.lifeline$resultMessages();
                }
                if (cancelled) {
                    cancelled = false; // a volatile write only when needed: a fence per statement otherwise
                }
            } catch (RuntimeException bug) {
                // Fail-open: Lifeline's own error must not reach the application; run the statement as is.
                LifelineLog.internalError("statement preparation", bug);
            }
        }
        return physical;
    }

    private void end(String sql) {
        try {
            owner.afterStatement(sql, physical);
        } catch (RuntimeException bug) {
            LifelineLog.internalError("statement bookkeeping", bug);
        }
    }

    // ---------------------------------------------------------------- failures

    /** The decision on one failed attempt, read by the retry loop. */
    private static final class Outcome {
        boolean replay;
        SQLException failure;
    }

    /**
     * A statement failed: decide, and where {@link ReplayDecision} allows it run it again (on a
     * fresh connection, with everything recorded), else throw what the application must see.
     */
    private Object recover(SQLException failure, int op, String sql, int intArgument, Object extra) throws SQLException {
        JdbcRuntime runtime = JdbcRuntime.get();
        if (runtime == null) {
            throw failure;
        }
        Outcome first;
        try {
            first = decide(runtime, failure, sql);
        } catch (RuntimeException bug) {
            LifelineLog.internalError("statement failure decision", bug);
            end(sql);
            throw failure;
        }
        if (!first.replay) {
            end(sql);
            throw first.failure;
        }
        Outcome[] last = {first};
        boolean batch = op == BATCH || op == LARGE_BATCH;
        // A replay follows a session that died, not a server that is failing: the first one runs at
        // once, and the reconnect under it waits as any acquisition does. No retry budget here: with
        // one, a pool whose backends are all terminated at once would hand some callers the error.
        FailureClassifier replayable = f -> last[0].replay;
        try {
            return runtime.retrier.callAfterFirstFailure(owner.target.name, null, replayable, failure, 1, attempt -> {
                last[0] = new Outcome();
                Statement p = begin();
                if (batch && generation == owner.generation()) {
                    recreate(); // the driver emptied the batch when it failed; a fresh statement gets it back
                    p = physical;
                }
                if (owner.verifyReadCommitted) {
                    owner.verifyReadCommitted = false;
                    if (owner.physical().getTransactionIsolation() != Connection.TRANSACTION_READ_COMMITTED) {
                        last[0].replay = false;
                        owner.markTransactionLost();
                        throw explained(failure, transactionLostMessage());
                    }
                }
                try {
                    Object result = invoke(p, op, sql, intArgument, extra);
                    return result;
                } catch (SQLException again) {
                    Outcome next = decide(runtime, again, sql);
                    last[0] = next;
                    throw next.failure;
                }
            });
        } catch (SQLException | RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new SQLException("lifeline: unexpected failure while re-running a statement", e);
        } finally {
            end(sql);
        }
    }

    private Object invoke(Statement p, int op, String sql, int n, Object extra) throws SQLException {
        switch (op) {
            case EXECUTE: return p.execute(sql);
            case EXECUTE_KEYS: return p.execute(sql, n);
            case EXECUTE_INDEXES: return p.execute(sql, (int[]) extra);
            case EXECUTE_NAMES: return p.execute(sql, (String[]) extra);
            case QUERY: return p.executeQuery(sql);
            case UPDATE: return p.executeUpdate(sql);
            case UPDATE_KEYS: return p.executeUpdate(sql, n);
            case UPDATE_INDEXES: return p.executeUpdate(sql, (int[]) extra);
            case UPDATE_NAMES: return p.executeUpdate(sql, (String[]) extra);
            case LARGE_UPDATE: return p.executeLargeUpdate(sql);
            case LARGE_UPDATE_KEYS: return p.executeLargeUpdate(sql, n);
            case LARGE_UPDATE_INDEXES: return p.executeLargeUpdate(sql, (int[]) extra);
            case LARGE_UPDATE_NAMES: return p.executeLargeUpdate(sql, (String[]) extra);
            case BATCH: return p.executeBatch();
            case LARGE_BATCH: return p.executeLargeBatch();
            case PREPARED_EXECUTE: return ((PreparedStatement) p).execute();
            case PREPARED_QUERY: return ((PreparedStatement) p).executeQuery();
            case PREPARED_UPDATE: return ((PreparedStatement) p).executeUpdate();
            case PREPARED_LARGE_UPDATE: return ((PreparedStatement) p).executeLargeUpdate();
            default: throw new IllegalStateException("unknown execute " + op);
        }
    }

    private Outcome decide(JdbcRuntime runtime, SQLException failure, String sql) {
        Connection connection = owner.physical();
        DriverTraits traits = owner.traits();
        ReplayDecision.Facts facts = new ReplayDecision.Facts();
        facts.deliberate = owner.endedOnPurpose() || closed || cancelled || hasCause(failure, SocketTimeoutException.class);
        facts.autoCommit = owner.session.autoCommit;
        facts.sqlTransaction = owner.sqlBegin != null;
        // pgjdbc updates its transaction state only on ReadyForQuery, which a lost statement never
        // got: the state now is the state before the statement.
        boolean idle = traits.idle(connection);
        facts.idleBefore = facts.sqlTransaction ? false : (!traits.protocolSignals || idle);
        facts.firstInTransaction = owner.transactionStatements == 0 && (facts.sqlTransaction || !traits.protocolSignals || idle);
        facts.readOnlyTransaction = owner.session.readOnly;
        facts.isolation = owner.session.isolation;
        facts.transactionLosesState = owner.transactionLosesState || SqlText.losesSessionState(sql);
        facts.cursorOpen = owner.transactionCursor;
        facts.readOnly = owner.session.readOnly || isRead(runtime, sql);
        facts.simpleProtocol = traits.simpleProtocol(connection);
        // Whether pgjdbc read a result message of this execution; unknown (no count of this
        // session's results) counts as seen: the server may have run it.
        ResultCount results = countedOn;
        facts.resultSeen = results == null || results.lifeline$resultMessages() != resultsAtStart;
        facts.sqlState = failure.getSQLState();
        facts.severity = DriverTraits.severity(failure);
        facts.ioFailure = hasIoCause(failure);
        ReplayDecision decision = ReplayDecision.decide(facts);
        if ((streamBound || unreplayable) && decision.replaysOnFreshConnection()) {
            // A bound stream was consumed by the attempt that failed; some setter cannot be called again.
            decision = owner.inTransaction() ? ReplayDecision.FAIL_TRANSACTION_LOST : ReplayDecision.FAIL_OUTCOME_UNKNOWN;
        }
        return handle(runtime, decision, failure);
    }

    private Outcome handle(JdbcRuntime runtime, ReplayDecision decision, SQLException failure) {
        String target = owner.target.name;
        Outcome outcome = new Outcome();
        outcome.failure = failure;
        switch (decision) {
            case REPLAY_SAME_CONNECTION:
                outcome.replay = true;
                runtime.events.statementReplayed(target, "rolled back by the server (" + failure.getSQLState() + ")");
                break;
            case REPLAY_FRESH_IF_READ_COMMITTED:
                owner.verifyReadCommitted = true;
                // fall through
            case REPLAY_FRESH_CONNECTION:
                outcome.replay = true;
                owner.markBroken(false);
                runtime.events.statementReplayed(target, owner.inTransaction()
                        ? "connection lost before the transaction did anything it would lose"
                        : "connection lost before the statement took effect");
                break;
            case FAIL_TRANSACTION_LOST:
                owner.markBroken(true);
                runtime.events.transactionLost(target);
                outcome.failure = explained(failure, transactionLostMessage());
                break;
            case FAIL_OUTCOME_UNKNOWN:
                owner.markBroken(false);
                runtime.events.outcomeUnknown(target);
                outcome.failure = explained(failure, "lifeline: outcome unknown: the connection to " + target
                        + " was lost after the statement was sent, so it may or may not have taken effect; "
                        + "it was not re-executed; the connection is replaced on next use");
                break;
            case PASS_THROUGH:
            default:
                break;
        }
        return outcome;
    }

    private String transactionLostMessage() {
        return "lifeline: the connection to " + owner.target.name + " was lost inside a transaction that had "
                + "already done work; the server rolled the transaction back and nothing was re-executed; "
                + "rollback() succeeds, and the connection is replaced on next use, so the transaction can be retried";
    }

    /** The driver's own exception, with Lifeline's explanation attached as a suppressed exception. */
    private SQLException explained(SQLException failure, String explanation) {
        return LostConnectionNote.attach(failure, explanation, owner.inTransaction());
    }

    private boolean isRead(JdbcRuntime runtime, String sql) {
        return SqlText.isPlainRead(sql) || SqlText.matchesAny(sql, runtime.idempotentPatterns);
    }

    static boolean hasIoCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SocketException || t instanceof EOFException) {
                return true;
            }
        }
        return false;
    }

    static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 32; t = t.getCause() == t ? null : t.getCause(), depth++) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- re-creation

    /** The physical statement belonged to a replaced connection: create it again, as the application did. */
    private void recreate() throws SQLException {
        ConnectionCore.closeQuietly(physical);
        Connection connection = owner.physical();
        Statement fresh = create(connection);
        try {
            if (settings != null) {
                for (Map.Entry<Integer, Object[]> setting : settings.entrySet()) {
                    call(fresh, setting.getKey(), setting.getValue());
                }
            }
            applyParameters(fresh, parameterIds, parameterBits, parameterValues, otherParameters);
            if (parameterBatches != null) {
                for (Batch batch : parameterBatches) {
                    applyParameters(fresh, batch.ids, batch.bits, batch.values, batch.others);
                    ((PreparedStatement) fresh).addBatch();
                }
                applyParameters(fresh, parameterIds, parameterBits, parameterValues, otherParameters);
            }
            if (sqlBatch != null) {
                for (String sql : sqlBatch) {
                    fresh.addBatch(sql);
                }
            }
        } catch (SQLException | RuntimeException e) {
            ConnectionCore.closeQuietly(fresh);
            throw e;
        }
        physical = fresh;
        generation = owner.generation();
    }

    private Statement create(Connection c) throws SQLException {
        String sql = preparedSql;
        switch (creator) {
            case CREATE: return c.createStatement();
            case CREATE_2: return c.createStatement(creatorA, creatorB);
            case CREATE_3: return c.createStatement(creatorA, creatorB, creatorC);
            case PREPARE: return c.prepareStatement(sql);
            case PREPARE_KEYS: return c.prepareStatement(sql, creatorA);
            case PREPARE_INDEXES: return c.prepareStatement(sql, (int[]) creatorExtra);
            case PREPARE_NAMES: return c.prepareStatement(sql, (String[]) creatorExtra);
            case PREPARE_2: return c.prepareStatement(sql, creatorA, creatorB);
            case PREPARE_3: return c.prepareStatement(sql, creatorA, creatorB, creatorC);
            case CALL: return c.prepareCall(sql);
            case CALL_2: return c.prepareCall(sql, creatorA, creatorB);
            case CALL_3: return c.prepareCall(sql, creatorA, creatorB, creatorC);
            default: throw new IllegalStateException("unknown statement creator " + creator);
        }
    }

    private void applyParameters(Statement fresh, int[] ids, long[] bits, Object[] values,
                                 Map<String, Object[]> others) throws SQLException {
        for (int index = 0; index < ids.length; index++) {
            int id = ids[index] - 1;
            if (id < 0) {
                continue;
            }
            Method setter = type.recorded[id];
            Object boxed = values == null ? null : values[index];
            Object value = boxed != null || !setter.getParameterTypes()[1].isPrimitive()
                    ? boxed : WrapperValues.decode(setter, 1, bits[index]);
            call(fresh, id, new Object[]{index, value});
        }
        if (others != null) {
            for (Object[] entry : others.values()) {
                call(fresh, (Integer) entry[0], Arrays.copyOfRange(entry, 1, entry.length));
            }
        }
    }

    private void call(Statement fresh, int id, Object[] arguments) throws SQLException {
        Method setter = type.recorded[id];
        try {
            setter.invoke(fresh, arguments);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException) {
                throw (SQLException) cause;
            }
            throw new SQLException("lifeline: could not re-apply " + setter.getName() + " to a re-created statement", cause);
        } catch (IllegalAccessException | IllegalArgumentException e) {
            throw new SQLException("lifeline: could not re-apply " + setter.getName() + " to a re-created statement", e);
        }
    }

    /** The parameters bound when {@code addBatch()} was called. */
    private static final class Batch {
        final int[] ids;
        final long[] bits;
        final Object[] values;
        final Map<String, Object[]> others;

        Batch(StatementCore core) {
            this.ids = core.parameterIds.clone();
            // Null stays null: a kind of value never bound is never read back (see applyParameters).
            this.bits = core.parameterBits == null ? null : core.parameterBits.clone();
            this.values = core.parameterValues == null ? null : core.parameterValues.clone();
            this.others = core.otherParameters == null ? null : new LinkedHashMap<>(core.otherParameters);
        }
    }

    /** For {@code instanceof} checks in tests and diagnostics: the callable shape is the driver's. */
    boolean isCallable() {
        return physical instanceof CallableStatement;
    }
}

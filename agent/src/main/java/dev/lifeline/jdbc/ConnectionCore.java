package dev.lifeline.jdbc;

import dev.lifeline.breaker.CircuitBreaker;
import dev.lifeline.jdbc.pgjdbc.ResultCount;
import dev.lifeline.limit.ConnectionCap;
import dev.lifeline.log.LifelineLog;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The state and behaviour behind a connection Lifeline hands out from {@code Driver.connect}: the
 * wrapper object the application holds ({@link WrapperGenerator}) calls the driver's connection
 * directly for almost everything, and comes here for what Lifeline owns: creating statements,
 * session setters (remembered for a replacement), commit and rollback, close, and identity.
 *
 * <p>Why below the pool (shape (a) of docs/DESIGN.md) rather than advice inside the driver's own
 * classes: HikariCP and the application keep the object they were given while the physical
 * connection under it is replaced; it works for any driver without linking against its internals
 * (pgjdbc may sit in a child class loader); and the slot under the per-target cap is released
 * exactly when this connection is closed or lost. Where the driver's class allows it the wrapper
 * is a subclass of it, so casts to {@code PgConnection} work too.
 *
 * <p>The physical connection is replaced only when Lifeline itself found it dead by a failure from
 * outside (the server ended the session, the network reset, validation after idle failed). A
 * connection the application closed or aborted, or the driver closed on purpose (a network
 * timeout, a changed {@code client_encoding}), stays as the driver left it. Replacing never
 * happens inside {@code synchronized}: a {@link ReentrantLock} parks only the calling thread.
 *
 * <p>Public methods are the wrapper's handlers (matched by name and signature); everything else
 * is package-private.
 */
public final class ConnectionCore {

    private static final int VALIDATION_TIMEOUT_SECONDS = 2;
    private static final VarHandle CLOSED;

    static {
        try {
            CLOSED = MethodHandles.lookup().findVarHandle(ConnectionCore.class, "closed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The driver's connection this one currently stands for. Read by the generated wrapper on every call. */
    public volatile Connection physical;

    private final Driver driver;
    private final String url;
    private final Properties info;
    private final ConnectionCap.Slot slot;
    final TargetState target;
    final SessionState session = new SessionState();
    private final ReentrantLock replacing = new ReentrantLock();
    /** Closed or aborted by the application; set once, by compare-and-set ({@link #CLOSED}). */
    private volatile boolean closed;

    private volatile DriverTraits traits;
    /** Incremented with every replacement: statements created on an older physical connection re-create themselves. */
    private volatile int generation;
    /** Found dead by a failure from outside: replaced before anything else is sent. */
    private volatile boolean broken;
    /** An explicit transaction was lost with the connection: statements and commit fail, rollback is a no-op. */
    private volatile boolean transactionLost;
    /** The application aborted the connection: nothing of it is ever recovered. */
    private volatile boolean aborted;
    /** isValid() answered false: it keeps answering so until a use of the connection replaces the session. */
    private volatile boolean reportedInvalid;
    /**
     * When the last statement started (or the last validation or replacement ended): idle time
     * counts from there. One clock read per statement, at its start; the price is that the statement
     * after one that ran longer than {@code validateAfterIdle} is validated first (one round trip
     * after a statement of seconds). Plain, not volatile: a connection is used by one thread at a
     * time and a pool's hand-over publishes it; a volatile write would put a fence on every statement.
     */
    private long lastUsedNanos = System.nanoTime();
    /*
     * What every statement start reads, kept here so that it touches this object's own lines
     * rather than the runtime's, the target's and the breaker's (after a wait on the socket they
     * are out of the cache: each saved line is a saved miss).
     */
    /** {@code lifeline.jdbc.validateAfterIdle} in nanoseconds; 0 = never. */
    private final long idleLimitNanos;
    private final CircuitBreaker breaker;
    /** Until then, a statement's start has nothing to tell the breaker ({@link CircuitBreaker#tick}). Plain, as lastUsedNanos. */
    private long nextTickNanos = lastUsedNanos;
    /** The object the application holds. */
    Object wrapper;
    /** The wrapper type of the last statement created here (see {@link StatementCore#wrap}). Plain: immutable, safely read racily. */
    WrapperType statementType;
    /**
     * pgjdbc's count of result messages on the current session: its stream's own (a
     * {@code PGStream} woven as it was defined) or the thread's (one loaded before Lifeline). Null
     * when none is known, and unknown means "the server may have run it": no write is replayed.
     */
    volatile ResultCount results;

    // The transaction as the application sees it, since its last boundary (setAutoCommit, commit, rollback).
    /** Statements sent in the current transaction. */
    int transactionStatements;
    /** The transaction ran SQL whose effect lives in the session only (SET, temporary tables, locks...). */
    boolean transactionLosesState;
    /** A query of the transaction may still be open as a server-side cursor (fetch size set). */
    boolean transactionCursor;
    /** In autocommit mode, the text of a BEGIN the application sent, while that transaction is open. */
    String sqlBegin;
    /** Set by a replay of a read-only transaction under the server's default isolation: check it on the fresh session. */
    boolean verifyReadCommitted;

    private ConnectionCore(Driver driver, String url, Properties info, Connection physical,
                           ConnectionCap.Slot slot, TargetState target) {
        this.driver = driver;
        this.url = url;
        this.info = info;
        this.physical = physical;
        this.traits = DriverTraits.of(physical);
        this.slot = slot;
        this.target = target;
        JdbcRuntime runtime = JdbcRuntime.get();
        this.idleLimitNanos = runtime == null ? 0 : runtime.validateAfterIdleNanos;
        this.breaker = target.health.breaker();
    }

    /** The application's connection over {@code physical}. */
    static Connection wrap(Driver driver, String url, Properties info, Connection physical,
                           ConnectionCap.Slot slot, TargetState target) throws SQLException {
        ConnectionCore core = new ConnectionCore(driver, url, copyOf(info), physical, slot, target);
        core.results = JdbcThreadState.current().takeSessionCount(core.traits.protocolSignals);
        core.session.initialFrom(physical);
        Object wrapper = WrapperType.CONNECTIONS.get(physical.getClass()).instantiate(core);
        core.wrapper = wrapper;
        // A connection the application loses without close() must not hold its slot forever.
        slot.releaseWhenUnreachable(wrapper);
        slot.watch(physical);
        return (Connection) wrapper;
    }

    /**
     * Exactly what the application gave the driver, defaults included: {@code putAll} would drop
     * the defaults of a {@code new Properties(defaults)} (a password kept there, say), and a
     * reconnect without them fails to authenticate.
     */
    static Properties copyOf(Properties info) {
        Properties copy = new Properties();
        if (info != null) {
            for (String name : info.stringPropertyNames()) {
                copy.setProperty(name, info.getProperty(name));
            }
            for (Map.Entry<Object, Object> entry : info.entrySet()) {
                copy.putIfAbsent(entry.getKey(), entry.getValue());
            }
        }
        return copy;
    }

    Connection physical() {
        return physical;
    }

    /**
     * The driver's connection for a passed-through call: one Lifeline found dead is replaced
     * first (a pool hands a connection whose transaction was lost to its next borrower, who asks
     * {@code getAutoCommit()} before anything else). If it cannot be replaced now, the driver
     * answers as it would without the agent.
     */
    public Connection lifeline$physical() {
        if (broken && !closed) {
            try {
                replace();
            } catch (SQLException | RuntimeException e) {
                // the dead connection's own answer follows
            }
        }
        return physical;
    }

    int generation() {
        return generation;
    }

    DriverTraits traits() {
        return traits;
    }

    boolean inTransaction() {
        return !session.autoCommit || sqlBegin != null;
    }

    /** The application closed or aborted this connection: a failure now is its own doing. */
    boolean endedOnPurpose() {
        return aborted || closed;
    }

    // ---------------------------------------------------------------- statements

    public Statement createStatement() throws SQLException {
        return statement(usable().createStatement(), StatementCore.CREATE, null, 0, 0, 0, null);
    }

    public Statement createStatement(int type, int concurrency) throws SQLException {
        return statement(usable().createStatement(type, concurrency), StatementCore.CREATE_2, null, type, concurrency, 0, null);
    }

    public Statement createStatement(int type, int concurrency, int holdability) throws SQLException {
        return statement(usable().createStatement(type, concurrency, holdability), StatementCore.CREATE_3, null,
                type, concurrency, holdability, null);
    }

    public PreparedStatement prepareStatement(String sql) throws SQLException {
        return (PreparedStatement) statement(usable().prepareStatement(sql), StatementCore.PREPARE, sql, 0, 0, 0, null);
    }

    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        return (PreparedStatement) statement(usable().prepareStatement(sql, autoGeneratedKeys), StatementCore.PREPARE_KEYS,
                sql, autoGeneratedKeys, 0, 0, null);
    }

    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        return (PreparedStatement) statement(usable().prepareStatement(sql, columnIndexes), StatementCore.PREPARE_INDEXES,
                sql, 0, 0, 0, columnIndexes);
    }

    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        return (PreparedStatement) statement(usable().prepareStatement(sql, columnNames), StatementCore.PREPARE_NAMES,
                sql, 0, 0, 0, columnNames);
    }

    public PreparedStatement prepareStatement(String sql, int type, int concurrency) throws SQLException {
        return (PreparedStatement) statement(usable().prepareStatement(sql, type, concurrency), StatementCore.PREPARE_2,
                sql, type, concurrency, 0, null);
    }

    public PreparedStatement prepareStatement(String sql, int type, int concurrency, int holdability) throws SQLException {
        return (PreparedStatement) statement(usable().prepareStatement(sql, type, concurrency, holdability),
                StatementCore.PREPARE_3, sql, type, concurrency, holdability, null);
    }

    public CallableStatement prepareCall(String sql) throws SQLException {
        return (CallableStatement) statement(usable().prepareCall(sql), StatementCore.CALL, sql, 0, 0, 0, null);
    }

    public CallableStatement prepareCall(String sql, int type, int concurrency) throws SQLException {
        return (CallableStatement) statement(usable().prepareCall(sql, type, concurrency), StatementCore.CALL_2,
                sql, type, concurrency, 0, null);
    }

    public CallableStatement prepareCall(String sql, int type, int concurrency, int holdability) throws SQLException {
        return (CallableStatement) statement(usable().prepareCall(sql, type, concurrency, holdability),
                StatementCore.CALL_3, sql, type, concurrency, holdability, null);
    }

    private Statement statement(Statement physicalStatement, int creator, String sql, int a, int b, int c, Object extra) {
        try {
            return StatementCore.wrap(this, physicalStatement, creator, sql, a, b, c, extra);
        } catch (RuntimeException | LinkageError bug) {
            LifelineLog.internalError("statement wrapper", bug);
            return physicalStatement;
        }
    }

    // ---------------------------------------------------------------- session settings

    public void setAutoCommit(boolean autoCommit) throws SQLException {
        if (!broken) {
            physical.setAutoCommit(autoCommit);
        }
        session.autoCommit = autoCommit;
        transactionLost = false;
        if (autoCommit) {
            sqlBegin = null;
        }
        transactionBoundary();
    }

    public void setReadOnly(boolean readOnly) throws SQLException {
        if (!broken) {
            physical.setReadOnly(readOnly);
        }
        session.readOnly(readOnly);
    }

    public void setTransactionIsolation(int level) throws SQLException {
        if (!broken) {
            physical.setTransactionIsolation(level);
        }
        session.isolation = level;
    }

    public void setSchema(String schema) throws SQLException {
        if (!broken) {
            physical.setSchema(schema);
        }
        session.schema(schema);
    }

    public void setCatalog(String catalog) throws SQLException {
        if (!broken) {
            physical.setCatalog(catalog);
        }
        session.catalog(catalog);
    }

    public void setHoldability(int holdability) throws SQLException {
        if (!broken) {
            physical.setHoldability(holdability);
        }
        session.holdability(holdability);
    }

    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        if (!broken) {
            physical.setTypeMap(map);
        }
        session.typeMap(map);
    }

    public void setClientInfo(String name, String value) throws java.sql.SQLClientInfoException {
        if (!broken) {
            physical.setClientInfo(name, value);
        }
        session.clientInfo(name, value);
    }

    public void setClientInfo(Properties properties) throws java.sql.SQLClientInfoException {
        if (!broken) {
            physical.setClientInfo(properties);
        }
        session.clientInfo(properties);
    }

    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        if (!broken) {
            physical.setNetworkTimeout(executor, milliseconds);
        }
        session.networkTimeout(executor, milliseconds);
    }

    /**
     * A read the pools make while setting a new connection up: pgjdbc asks the server. HikariCP
     * remembers a failure here for the pool's whole life (it then sets isolation -1 on every new
     * connection, which pgjdbc refuses), so a session lost under it is replaced and asked again.
     */
    public int getTransactionIsolation() throws SQLException {
        Connection p = usable();
        try {
            return p.getTransactionIsolation();
        } catch (SQLException e) {
            if (!lostFromOutside(e) || (inTransaction() && transactionStatements > 0)) {
                throw e;
            }
            markBroken(false);
            replace();
            return physical.getTransactionIsolation();
        }
    }

    /** The session ended from outside (the server, the network), not by the application's or the driver's choice. */
    private boolean lostFromOutside(SQLException e) {
        if (endedOnPurpose() || StatementCore.hasCause(e, java.net.SocketTimeoutException.class)) {
            return false;
        }
        // As ReplayDecision: an I/O failure under it, or the server ending the session.
        return StatementCore.hasIoCause(e) || ReplayDecision.serverEndedSession(e.getSQLState(), null);
    }

    /** A dead connection has no warnings to clear; HikariCP clears them when a connection is returned. */
    public void clearWarnings() throws SQLException {
        if (!broken) {
            physical.clearWarnings();
        }
    }

    public SQLWarning getWarnings() throws SQLException {
        return broken ? null : physical.getWarnings();
    }

    // ---------------------------------------------------------------- transactions

    public void commit() throws SQLException {
        if (transactionLost) {
            transactionLost = false;
            transactionBoundary();
            throw new SQLException("lifeline: the connection to " + target.name + " was lost during this "
                    + "transaction and the server rolled it back; nothing was committed", "08006");
        }
        Connection p = usable();
        try {
            p.commit();
        } catch (SQLException e) {
            if (!session.readOnly || !traits.enforcesReadOnly(url, info) || !lostFromOutside(e)) {
                throw e;
            }
            // A read-only transaction has nothing to commit, and the server enforced that it wrote
            // nothing: the rollback the lost session got is all a commit would have done.
            markBroken(false);
            sqlBegin = null;
            transactionBoundary();
            JdbcRuntime runtime = JdbcRuntime.get();
            if (runtime != null) {
                runtime.events.statementReplayed(target.name, "commit of a read-only transaction whose session was lost");
            }
            return;
        }
        transactionBoundary();
    }

    /**
     * A transaction whose connection died was rolled back by the server: there is nothing left to
     * undo, and the rollback succeeds, so a framework (Spring's transaction manager) reports the
     * real cause instead of "Unable to rollback".
     */
    public void rollback() throws SQLException {
        if (transactionLost || broken) {
            boolean dead = broken;
            transactionLost = false;
            sqlBegin = null;
            transactionBoundary();
            if (!dead) {
                try {
                    physical.rollback(); // a fresh session that had begun the replayed transaction
                } catch (SQLException ignored) {
                    // nothing of the application's is in it
                }
            }
            return;
        }
        physical.rollback();
        transactionBoundary();
    }

    public void rollback(Savepoint savepoint) throws SQLException {
        if (transactionLost || broken) {
            throw new SQLException("lifeline: the transaction of this savepoint was lost with its connection to "
                    + target.name + "; roll back the whole transaction", "08003");
        }
        physical.rollback(savepoint);
        transactionStatements++;
    }

    public Savepoint setSavepoint() throws SQLException {
        Savepoint savepoint = inTransactionUsable().setSavepoint();
        transactionStatements++;
        return savepoint;
    }

    public Savepoint setSavepoint(String name) throws SQLException {
        Savepoint savepoint = inTransactionUsable().setSavepoint(name);
        transactionStatements++;
        return savepoint;
    }

    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        inTransactionUsable().releaseSavepoint(savepoint);
        transactionStatements++;
    }

    private void transactionBoundary() {
        transactionStatements = 0;
        transactionLosesState = false;
        transactionCursor = false;
        verifyReadCommitted = false;
    }

    // ---------------------------------------------------------------- life cycle

    public void close() throws SQLException {
        if (!CLOSED.compareAndSet(this, false, true)) {
            physical.close(); // the driver's own answer to a second close
            return;
        }
        try {
            if (broken) {
                closeQuietly(physical);
            } else {
                physical.close();
            }
        } finally {
            slot.release();
        }
    }

    /** A connection Lifeline is about to replace is open to the application; otherwise the driver answers. */
    public boolean isClosed() throws SQLException {
        if (closed) {
            return true;
        }
        return !broken && physical.isClosed();
    }

    public boolean isValid(int timeout) throws SQLException {
        if (closed) {
            return false;
        }
        if (broken) {
            if (reportedInvalid) {
                return false; // asked again: the same answer, until a use replaces the session
            }
            try {
                replace();
            } catch (SQLException e) {
                return false;
            }
        }
        boolean valid = physical.isValid(timeout);
        if (valid) {
            lastUsedNanos = System.nanoTime();
        } else if (!endedOnPurpose() && !(inTransaction() && transactionStatements > 0)) {
            // The answer stays false; but the session is gone (pgjdbc closed it), and a caller that
            // goes on using the connection (HikariCP's set-up does) gets a fresh one, not 08003.
            markBroken(false);
            reportedInvalid = true;
        }
        return valid;
    }

    public void abort(Executor executor) throws SQLException {
        aborted = true;
        try {
            physical.abort(executor);
        } finally {
            if (CLOSED.compareAndSet(this, false, true)) {
                slot.release();
            }
        }
    }

    // ---------------------------------------------------------------- identity

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

    // ---------------------------------------------------------------- what statements need

    /** For creating a statement: a connection Lifeline knows dead is replaced first. */
    private Connection usable() throws SQLException {
        if (broken) {
            replace();
        }
        return physical;
    }

    private Connection inTransactionUsable() throws SQLException {
        if (transactionLost) {
            throw transactionLostError();
        }
        return usable();
    }

    SQLException transactionLostError() {
        return new SQLException("lifeline: the connection to " + target.name + " was lost inside this transaction and "
                + "the server rolled it back; roll back before using the connection again", "08003");
    }

    /**
     * Before a statement is sent: a connection known dead is replaced, and one idle longer than
     * {@code lifeline.jdbc.validateAfterIdle} is validated and replaced if dead (incident 2:
     * reused connections the server had closed), unless that would drop work of an open
     * transaction. A connection the driver itself closed is left closed: the statement gets the
     * driver's own error.
     */
    void beforeStatement() throws SQLException {
        if (transactionLost) {
            throw transactionLostError();
        }
        long now = System.nanoTime();
        if (broken) {
            replace();
        } else if (!closed) {
            long idleLimit = idleLimitNanos;
            if (idleLimit > 0 && now - lastUsedNanos > idleLimit && (!inTransaction() || transactionStatements == 0)) {
                Connection current = physical;
                if (!current.isClosed() && !current.isValid(VALIDATION_TIMEOUT_SECONDS)) {
                    markBroken(false);
                    replace();
                }
            }
            if (now - nextTickNanos >= 0) {
                nextTickNanos = breaker.tick(now); // the pool's borrows counted since the last tick take their place
            }
        }
        lastUsedNanos = now;
    }

    /** After a statement was sent (whatever its outcome): the transaction's record. */
    void afterStatement(String sql, Statement physicalStatement) {
        if (inTransaction()) {
            transactionStatements++;
            if (session.readOnly && !transactionLosesState && SqlText.losesSessionState(sql)) {
                transactionLosesState = true;
            }
            if (session.readOnly && !transactionCursor && hasFetchSize(physicalStatement)) {
                transactionCursor = true;
            }
            if (sqlBegin != null && SqlText.endsTransaction(sql)) {
                sqlBegin = null;
                transactionBoundary();
            }
        } else if (SqlText.beginsTransaction(sql)) {
            sqlBegin = sql;
            transactionBoundary();
        }
    }

    private static boolean hasFetchSize(Statement statement) {
        try {
            return statement != null && statement.getFetchSize() > 0;
        } catch (SQLException | RuntimeException e) {
            return true; // unknown: assume a cursor may be open
        }
    }

    /** The physical connection was found dead by a statement. */
    void markBroken(boolean insideTransaction) {
        broken = true;
        slot.replacing(true);
        if (insideTransaction) {
            transactionLost = true;
        }
    }

    boolean isBroken() {
        return broken;
    }

    /** A replay found it may not continue the transaction on the fresh session (its isolation is not READ COMMITTED). */
    void markTransactionLost() {
        transactionLost = true;
    }

    /**
     * Replaces the physical connection with a fresh one carrying the application's session state
     * (and, for a transaction the application began with SQL, that BEGIN). The new connection
     * takes the old one's slot under the cap; the reconnect retries as any acquisition does.
     */
    void replace() throws SQLException {
        JdbcRuntime runtime = JdbcRuntime.get();
        if (runtime == null) {
            throw new SQLException("lifeline: the connection to " + target.name + " is broken", "08003");
        }
        int seen = generation;
        replacing.lock();
        try {
            if (generation != seen) {
                return; // another thread using this connection already replaced it
            }
            Connection old = physical;
            closeQuietly(old);
            Connection fresh = DriverConnectInterceptor.reconnect(runtime, driver, url, info, target);
            DriverTraits freshTraits = DriverTraits.of(fresh);
            ResultCount freshResults = JdbcThreadState.current().takeSessionCount(freshTraits.protocolSignals);
            try {
                session.applyTo(fresh);
                if (sqlBegin != null) {
                    try (Statement begin = fresh.createStatement()) {
                        begin.execute(sqlBegin);
                    }
                }
            } catch (SQLException | RuntimeException e) {
                closeQuietly(fresh);
                throw e;
            }
            physical = fresh;
            traits = freshTraits;
            results = freshResults;
            slot.watch(fresh);
            broken = false;
            reportedInvalid = false;
            lastUsedNanos = System.nanoTime();
            generation = seen + 1;
            runtime.events.connectionReplaced(target.name);
        } finally {
            replacing.unlock();
        }
    }

    static void closeQuietly(AutoCloseable closeable) {
        try {
            if (closeable != null) {
                closeable.close();
            }
        } catch (Exception ignored) {
            // it was dead already
        }
    }
}

package dev.lifeline.jdbc;

import dev.lifeline.limit.ConnectionCap;
import dev.lifeline.log.LifelineLog;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashSet;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The connection Lifeline hands out from {@code Driver.connect}: a dynamic proxy over the driver's
 * physical connection, implementing every public interface the physical one does (so
 * {@code (PGConnection) conn} and {@code unwrap(PGConnection.class)} keep working).
 *
 * <p>Why below the pool (shape (a) of DESIGN.md) rather than advice inside the driver's own
 * classes (shape (b)): HikariCP and the application keep the object they were given while the
 * physical connection under it is replaced; it works for any driver without knowing its internals
 * or linking against them (pgjdbc may sit in a child class loader); and the per-target slot is
 * released exactly when this object is closed or lost. The cost is the wrapper itself: casts to the
 * concrete class ({@code PgConnection}) fail, and {@code unwrap} to a concrete class returns the
 * physical connection, which goes stale after a swap. Shape (b) stays possible: nothing outside
 * this package knows the wrapper exists, and the decisions ({@link ReplayDecision}) do not depend
 * on it.
 *
 * <p>The physical connection is replaced: when it is found closed or broken before use, when it
 * was idle longer than {@code lifeline.jdbc.validateAfterIdle} and fails validation, and when a
 * statement failed in a way {@link ReplayDecision} allows to re-run. Replacing never happens inside
 * {@code synchronized}: a {@link ReentrantLock} parks only the calling thread.
 */
final class LifelineConnection implements InvocationHandler {

    private static final ClassValue<Class<?>[]> INTERFACES = new ClassValue<>() {
        @Override
        protected Class<?>[] computeValue(Class<?> type) {
            return publicInterfaces(type, Connection.class);
        }
    };

    private static final ProxyConstructors PROXIES = new ProxyConstructors(INTERFACES);

    private static final Method CLOSE = method(Connection.class, "close");
    private static final int VALIDATION_TIMEOUT_SECONDS = 2;

    private final Driver driver;
    private final String url;
    private final Properties info;
    private final ConnectionCap.Slot slot;
    final TargetState target;
    final SessionState session = new SessionState();
    private final ReentrantLock replacing = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();

    private volatile Connection physical;
    private volatile DriverTraits traits;
    /** Incremented with every replacement: statements created on an older physical connection re-create themselves. */
    private volatile int generation;
    /** The physical connection is known dead: replace it before anything else is sent. */
    private volatile boolean broken;
    /** An explicit transaction was lost with the connection: commit must fail, rollback is a no-op. */
    private volatile boolean transactionLost;
    private volatile long lastUsedNanos = System.nanoTime();
    private Connection proxy;

    private LifelineConnection(Driver driver, String url, Properties info, Connection physical,
                               ConnectionCap.Slot slot, TargetState target) {
        this.driver = driver;
        this.url = url;
        this.info = info;
        this.physical = physical;
        this.traits = DriverTraits.of(physical);
        this.slot = slot;
        this.target = target;
    }

    static Connection wrap(Driver driver, String url, Properties info, Connection physical,
                           ConnectionCap.Slot slot, TargetState target) throws SQLException {
        Properties copy = new Properties();
        if (info != null) {
            copy.putAll(info);
        }
        LifelineConnection handler = new LifelineConnection(driver, url, copy, physical, slot, target);
        handler.session.initialFrom(physical);
        Connection proxy = (Connection) PROXIES.newProxy(physical.getClass(), handler);
        handler.proxy = proxy;
        // A connection the application loses without close() must not hold its slot forever.
        slot.releaseWhenUnreachable(proxy);
        return proxy;
    }

    Connection proxy() {
        return proxy;
    }

    Connection physical() {
        return physical;
    }

    int generation() {
        return generation;
    }

    DriverTraits traits() {
        return traits;
    }

    @Override
    public Object invoke(Object self, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        switch (name) {
            case "close":
                if (args == null) {
                    return close();
                }
                break;
            case "isClosed":
                if (args == null) {
                    // A broken physical connection is healed on next use: to the application it is open.
                    return closed.get();
                }
                break;
            case "unwrap":
            case "isWrapperFor":
            case "equals":
            case "hashCode":
                Object answer = WrapperIdentity.answer(self, name, args);
                if (answer != WrapperIdentity.NOT_ANSWERED) {
                    return answer;
                }
                break;
            case "toString":
                if (args == null) {
                    return physical.toString();
                }
                break;
            case "createStatement":
            case "prepareStatement":
            case "prepareCall":
                ensureUsableFailOpen();
                Statement statement = (Statement) invokePhysical(method, args);
                try {
                    return LifelineStatement.wrap(this, method, args, statement);
                } catch (RuntimeException bug) {
                    LifelineLog.internalError("statement wrapper", bug);
                    return statement;
                }
            case "rollback":
                if (args == null && transactionLost) {
                    // The server rolled the transaction back when the connection died: nothing left to undo.
                    transactionLost = false;
                    return null;
                }
                break;
            case "commit":
                if (transactionLost) {
                    transactionLost = false;
                    throw new SQLException("lifeline: the connection to " + target.name + " was lost during this "
                            + "transaction and the server rolled it back; nothing was committed", "08006");
                }
                break;
            case "isValid":
                if (broken || physical.isClosed()) {
                    try {
                        replace();
                    } catch (SQLException e) {
                        return Boolean.FALSE;
                    }
                }
                Object valid = invokePhysical(method, args);
                if (Boolean.TRUE.equals(valid)) {
                    lastUsedNanos = System.nanoTime();
                }
                return valid;
            default:
                break;
        }
        ensureUsableFailOpen();
        Object result = invokePhysical(method, args);
        if (name.startsWith("set")) {
            if (session.record(name, args) && name.equals("setAutoCommit")) {
                transactionLost = false;
            }
        }
        return result;
    }

    /**
     * Before anything is sent: a physical connection known dead, closed by the driver, or idle
     * longer than {@code lifeline.jdbc.validateAfterIdle} and failing validation, is replaced, so
     * the statement never sees the failure (incident 2: reused connections the server had closed).
     */
    void ensureUsable() throws SQLException {
        if (closed.get()) {
            return; // the driver's own "connection closed" error is the right answer
        }
        long now = System.nanoTime();
        if (broken || physical.isClosed()) {
            replace();
        } else {
            JdbcRuntime runtime = JdbcRuntime.get();
            long idleLimit = runtime == null ? 0 : runtime.validateAfterIdleNanos;
            if (idleLimit > 0 && now - lastUsedNanos > idleLimit && !physical.isValid(VALIDATION_TIMEOUT_SECONDS)) {
                replace();
            }
        }
        lastUsedNanos = now;
    }

    /** {@link #ensureUsable}, where an error of Lifeline's own lets the call go on unchanged. */
    private void ensureUsableFailOpen() throws SQLException {
        try {
            ensureUsable();
        } catch (RuntimeException bug) {
            LifelineLog.internalError("connection check", bug);
        }
    }

    /** The physical connection was found dead by a statement. */
    void markBroken(boolean insideTransaction) {
        broken = true;
        if (insideTransaction) {
            transactionLost = true;
        }
    }

    /**
     * Replaces the physical connection with a fresh one carrying the application's session state.
     * The new connection takes the old one's slot under the cap. Acquisition retries as usual.
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
            try {
                session.applyTo(fresh);
            } catch (SQLException | RuntimeException e) {
                closeQuietly(fresh);
                throw e;
            }
            physical = fresh;
            traits = DriverTraits.of(fresh);
            broken = false;
            lastUsedNanos = System.nanoTime();
            generation = seen + 1;
            runtime.events.connectionReplaced(target.name);
        } finally {
            replacing.unlock();
        }
    }

    private Object close() throws Throwable {
        try {
            if (broken) {
                closeQuietly(physical);
                return null;
            }
            return invokePhysical(CLOSE, null);
        } finally {
            if (closed.compareAndSet(false, true)) {
                slot.release();
            }
        }
    }

    private Object invokePhysical(Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(physical, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /**
     * Idle time counts from the end of the last statement, not its start: a long statement followed
     * by a short pause must not look idle.
     */
    void markUsed() {
        lastUsedNanos = System.nanoTime();
    }

    static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // it was dead already
        }
    }

    static Method method(Class<?> type, String name, Class<?>... parameters) {
        try {
            return type.getMethod(name, parameters);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Every public interface of the class and its superclasses, plus {@code required}. */
    static Class<?>[] publicInterfaces(Class<?> type, Class<?> required) {
        Set<Class<?>> all = new LinkedHashSet<>();
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            collectPublicInterfaces(c, all);
        }
        all.add(required);
        return all.toArray(new Class<?>[0]);
    }

    private static void collectPublicInterfaces(Class<?> type, Set<Class<?>> into) {
        for (Class<?> iface : type.getInterfaces()) {
            if (Modifier.isPublic(iface.getModifiers())) {
                into.add(iface);
            }
            collectPublicInterfaces(iface, into);
        }
    }
}

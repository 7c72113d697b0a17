package dev.lifeline.jdbc;

import dev.lifeline.limit.ConnectionCap;
import dev.lifeline.log.LifelineLog;
import dev.lifeline.metrics.TargetHealth;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * What happens when any {@code java.sql.Driver.connect} is called: the per-target connection cap,
 * the retry of a failed acquisition (only when this is the outermost acquisition on the thread),
 * and the hand-out of a Lifeline connection ({@link ConnectionCore}).
 *
 * <p>{@code DriverManager.getConnection} is covered here too: it calls {@code Driver.connect} of
 * each registered driver, so retrying inside the driver's call retries it without instrumenting
 * a JDK class (no bootstrap class-path injection needed for JDBC).
 *
 * <p>The advice calls {@link #connect}; a {@code null} answer means "run the original body",
 * which is what happens for Lifeline's own re-invocation, for nested driver calls, when Lifeline
 * is off, and when Lifeline itself fails (fail-open).
 */
public final class DriverConnectInterceptor {

    /** Stands for a {@code null} return (the driver does not accept the URL): the advice maps it back. */
    public static final Object DECLINED = new Object();

    private DriverConnectInterceptor() {
    }

    /** Called by the woven code with a non-null answer of {@link #connect}: what the driver returns. */
    public static Connection handled(Object answer) {
        return answer == DECLINED ? null : (Connection) answer;
    }

    public static Object connect(Object driverObject, String url, Properties info) throws SQLException {
        JdbcThreadState scope = JdbcThreadState.current();
        if (scope.consumeRunOriginal()) {
            return null;
        }
        JdbcRuntime runtime = JdbcRuntime.get();
        if (runtime == null || scope.inDriverConnect > 0 || url == null) {
            return null;
        }
        Driver driver = (Driver) driverObject;
        TargetState target;
        try {
            // DriverManager offers every URL to every driver: stay out of calls the driver declines.
            if (!driver.acceptsURL(url)) {
                return null;
            }
            target = runtime.forUrl(url);
        } catch (SQLException | RuntimeException e) {
            return null;
        }

        boolean outermost = scope.depth == 0;
        TargetHealth health = target.health;
        // The breaker is consulted once per application call (the outermost one). An open breaker
        // fails fast with the type HikariCP uses for "no connection now".
        if (outermost && !health.tryAcquirePermission()) {
            throw new SQLTransientConnectionException(health.rejectionMessage(), "08001");
        }
        scope.depth++;
        ConnectionCap.Slot slot = null;
        boolean handedOver = false;
        boolean reported = !outermost;
        try {
            // With replayStatements=false the application gets the driver's own connection, whose
            // close Lifeline never sees: no slot is taken, and the adaptive cap learns nothing from it.
            slot = runtime.replayStatements ? acquireSlot(runtime, target) : null;
            ConnectionCap.Slot held = slot;
            Object connection;
            if (!outermost) {
                connection = attempt(scope, driver, url, info, target, held);
            } else {
                // The slot is held across attempts and backoff: a refused caller keeps its place
                // under the cap, so refusals lower the rate of new connects instead of letting
                // newcomers race into the same refusal (a pooler frees a client slot only some
                // milliseconds after the client closed). No retry budget: one caller per target
                // probes at a short interval, every other one backs off exponentially, so an
                // outage costs the server little, and a caller denied a retry would fail a request
                // a short outage should only delay.
                connection = runtime.acquisition.call(target.name, null, runtime.acquireClassifier,
                        attemptNumber -> attempt(scope, driver, url, info, target, held));
                health.onSuccess();
                reported = true;
            }
            handedOver = connection != DECLINED;
            return connection;
        } catch (SQLException e) {
            if (!reported) {
                // An outage is what acquisition retries, less a server at its client limit; a full
                // cap or a bad password says nothing about the server's health.
                health.onFailure(e, isOutage(e));
                reported = true;
            }
            throw e;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            // Driver.connect declares only SQLException; anything else came from Lifeline itself.
            LifelineLog.internalError("Driver.connect retry", e);
            return null;
        } finally {
            scope.depth--;
            if (slot != null && !handedOver) {
                slot.release();
            }
            if (!reported) {
                health.onFailure(null, false);
            }
        }
    }

    /** One physical attempt under the caller's slot (null: replayStatements=false): the driver's own connect, then the wrapper. */
    static Object attempt(JdbcThreadState scope, Driver driver, String url, Properties info, TargetState target,
                          ConnectionCap.Slot slot) throws SQLException {
        Connection physical = connectLearning(scope, driver, url, info, target);
        if (physical == null) {
            return DECLINED;
        }
        targetAnswered(target);
        if (slot == null) {
            scope.clearCreatedStream(); // replayStatements=false: the driver's own object, nothing of it kept
            return physical;
        }
        try {
            return ConnectionCore.wrap(driver, url, info, physical, slot, target);
        } catch (SQLException | RuntimeException | Error e) {
            // Fail-open: the application gets the driver's connection, unmanaged (and uncounted).
            LifelineLog.internalError("connection wrapper", e);
            slot.release();
            return physical;
        }
    }

    /**
     * A physical connect succeeded, whoever made it (a pool's own thread filling the pool, too):
     * callers asleep in a backoff for this target retry now.
     */
    private static void targetAnswered(TargetState target) {
        JdbcRuntime runtime = JdbcRuntime.get();
        if (runtime != null) {
            runtime.acquisition.targetAnswered(target.name);
        }
    }

    /**
     * A fresh physical connection for a Lifeline connection whose own one died: acquisition
     * retries as usual; the slot under the cap is the one the dead connection held.
     */
    static Connection reconnect(JdbcRuntime runtime, Driver driver, String url, Properties info, TargetState target)
            throws SQLException {
        JdbcThreadState scope = JdbcThreadState.current();
        scope.depth++;
        try {
            return runtime.acquisition.call(target.name, null, runtime.acquireClassifier, attemptNumber -> {
                Connection fresh = connectLearning(scope, driver, url, info, target);
                if (fresh == null) {
                    throw new SQLException("lifeline: the driver no longer accepts the URL of " + target.name, "08001");
                }
                targetAnswered(target);
                return fresh;
            });
        } catch (SQLException | RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new SQLException("lifeline: could not reconnect to " + target.name, "08001", e);
        } finally {
            scope.depth--;
        }
    }

    /** {@link #connectPhysically}; a refusal for being at the target's client limit teaches the adaptive cap. */
    private static Connection connectLearning(JdbcThreadState scope, Driver driver, String url, Properties info,
                                              TargetState target) throws SQLException {
        try {
            return connectPhysically(scope, driver, url, info);
        } catch (SQLException e) {
            if (JdbcFailureClassifier.isClientLimit(e)) {
                target.cap.refused();
            }
            throw e;
        }
    }

    /** The driver's own {@code connect}, run once as the original body (the advice lets it through). */
    private static Connection connectPhysically(JdbcThreadState scope, Driver driver, String url, Properties info)
            throws SQLException {
        scope.inDriverConnect++;
        scope.runOriginalNext = true;
        scope.clearCreatedStream(); // what pgjdbc creates now is this connection's (see ConnectionCore.results)
        try {
            return driver.connect(url, info);
        } finally {
            scope.runOriginalNext = false;
            scope.inDriverConnect--;
        }
    }

    /**
     * Whether a failed acquisition says the target is down, the failures a circuit breaker counts.
     * A wait on Lifeline's own cap that ran out says nothing about the server.
     */
    static boolean isOutage(SQLException failure) {
        return !(failure instanceof CapTimeoutException) && JdbcFailureClassifier.isOutage(failure);
    }

    private static ConnectionCap.Slot acquireSlot(JdbcRuntime runtime, TargetState target) throws SQLException {
        ConnectionCap cap = target.cap;
        ConnectionCap.Slot slot;
        try {
            long waitStart = System.nanoTime();
            slot = cap.acquire(runtime.acquireTimeoutNanos);
            target.health.capWaited(System.nanoTime() - waitStart, slot != null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("lifeline: interrupted while waiting for a connection slot to "
                    + target.name, "08001", e);
        }
        if (slot == null) {
            String allowed = cap.adaptive() ? cap.max() + " allowed (learned from the database's refusals; "
                    + "lifeline.jdbc.maxConnections=adaptive)" : cap.max() + " allowed (lifeline.jdbc.maxConnections)";
            throw new CapTimeoutException("lifeline: no connection to " + target.name + " became free within "
                    + TimeUnit.NANOSECONDS.toMillis(runtime.acquireTimeoutNanos) + " ms (lifeline.jdbc.acquireTimeout): "
                    + cap.inUse() + " of " + allowed + " are open, " + cap.waiters() + " other callers waiting");
        }
        return slot;
    }
}

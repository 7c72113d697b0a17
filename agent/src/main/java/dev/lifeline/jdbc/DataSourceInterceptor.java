package dev.lifeline.jdbc;

import dev.lifeline.log.LifelineLog;
import dev.lifeline.metrics.TargetHealth;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import javax.sql.DataSource;

/**
 * What happens when any {@code javax.sql.DataSource.getConnection} is called (HikariCP,
 * pgjdbc's data sources, any other): the outermost acquisition on the thread retries; nested ones
 * (a data source delegating to another, or to the driver) run unchanged, and the driver call
 * below still counts against the target's cap.
 *
 * <p>A borrow is three calls, in either of the two shapes the weaver gives a data source class:
 * <pre>
 * Object token = borrowStart(this);                 // null: run the body plainly
 * try { c = body(); } catch (Throwable t) { return borrowFailed(t, token, this, ...); } // retries, or throws
 * borrowSucceeded(token); return c;
 * </pre>
 * A class defined after the agent has its own body moved to a private method and this code in its
 * place, so a borrow runs the pool's code once with nothing between ({@code HookWeaver.SplitBorrow}).
 * A class loaded before the agent (a late attach) can get no new method: its prologue calls
 * {@link #getConnection}, which runs the body by calling the method again.
 */
public final class DataSourceInterceptor {

    private DataSourceInterceptor() {
    }

    /**
     * At the start of a data source's {@code getConnection}: the calling thread's state when this
     * is the outermost acquisition, now under way (nested ones and Lifeline's own retries get
     * null and run the body plainly).
     *
     * @throws SQLTransientConnectionException the target's circuit breaker is open
     */
    public static Object borrowStart(Object dataSourceObject) throws SQLException {
        JdbcThreadState scope = JdbcThreadState.current();
        if (scope.consumeRunOriginal()) {
            return null;
        }
        JdbcRuntime runtime = JdbcRuntime.get();
        if (runtime == null || scope.depth > 0) {
            return null;
        }
        TargetState target = DataSourceTargets.seenLately(dataSourceObject, runtime);
        if (target == null) {
            if (DataSourceTargets.isDriverAdapter(dataSourceObject)) {
                // A pool's driver adapter (never kept among the recent ones): the Driver.connect
                // under it is the acquisition, with the database as its target.
                return null;
            }
            try {
                target = DataSourceTargets.remember(dataSourceObject, runtime);
            } catch (RuntimeException e) {
                LifelineLog.internalError("DataSource target", e);
                return null;
            }
        }
        if (!target.health.tryAcquirePermission()) {
            // The breaker is open: fail fast instead of queueing in the pool for its full timeout.
            throw new SQLTransientConnectionException(target.health.rejectionMessage(), "08001");
        }
        scope.depth++;
        scope.borrowing = target;
        return scope;
    }

    /** The body returned a connection: the acquisition is over. */
    public static void borrowSucceeded(Object token) {
        JdbcThreadState scope = (JdbcThreadState) token;
        TargetState target = scope.borrowing;
        scope.borrowing = null;
        scope.depth--;
        target.health.onSuccessUntimed(); // no clock read per borrow: a statement on this target ticks the breaker
    }

    /**
     * The body threw {@code failure}: a retryable {@code SQLException} is retried (the data source's
     * {@code getConnection} called again, with backoff), and the connection of a later attempt is
     * returned; anything else, or the last attempt's exception, is thrown. Either way the
     * acquisition is over.
     */
    public static Object borrowFailed(Throwable failure, Object token, Object dataSourceObject, boolean withCredentials,
                                      String user, String password) throws SQLException {
        JdbcThreadState scope = (JdbcThreadState) token;
        TargetState target = scope.borrowing;
        TargetHealth health = target.health;
        JdbcRuntime runtime = JdbcRuntime.get();
        boolean reported = false;
        try {
            if (!(failure instanceof SQLException) || runtime == null) {
                throw DataSourceInterceptor.<RuntimeException>rethrow(failure); // as the body threw it
            }
            DataSource dataSource = (DataSource) dataSourceObject;
            Object connection = runtime.acquisition.callAfterFirstFailure(target.name, null, runtime.acquireClassifier,
                    (SQLException) failure, attemptNumber -> original(scope, dataSource, withCredentials, user, password));
            health.onSuccessUntimed();
            reported = true;
            return connection;
        } catch (SQLException e) {
            health.onFailure(e, DriverConnectInterceptor.isOutage(e));
            reported = true;
            throw e;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            if (e != failure) {
                // getConnection declares only SQLException: anything else came from Lifeline itself.
                LifelineLog.internalError("DataSource.getConnection retry", e);
            }
            throw DataSourceInterceptor.<RuntimeException>rethrow(failure);
        } finally {
            scope.borrowing = null;
            scope.depth--;
            if (!reported) {
                health.onFailure(null, false);
            }
        }
    }

    /**
     * The prologue of a data source class loaded before the agent. {@code null} means "run the
     * original body" (not Lifeline's acquisition); anything else is the connection to return.
     */
    public static Object getConnection(Object dataSourceObject, boolean withCredentials, String user, String password)
            throws SQLException {
        Object token = borrowStart(dataSourceObject);
        if (token == null) {
            return null;
        }
        DataSource dataSource = (DataSource) dataSourceObject;
        Object connection;
        try {
            connection = original((JdbcThreadState) token, dataSource, withCredentials, user, password);
        } catch (Throwable t) {
            return borrowFailed(t, token, dataSourceObject, withCredentials, user, password);
        }
        borrowSucceeded(token);
        return connection;
    }

    /** The data source's own {@code getConnection}, run once as the original body. */
    private static Object original(JdbcThreadState scope, DataSource dataSource, boolean withCredentials, String user,
                                   String password) throws SQLException {
        scope.runOriginalNext = true;
        try {
            return withCredentials ? dataSource.getConnection(user, password) : dataSource.getConnection();
        } finally {
            scope.runOriginalNext = false;
        }
    }

    /** Throws {@code failure} as it is: the JVM checks no exception types, only the compiler does. */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T rethrow(Throwable failure) throws T {
        throw (T) failure;
    }
}

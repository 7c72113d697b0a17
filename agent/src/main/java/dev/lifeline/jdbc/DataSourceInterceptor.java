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
 */
public final class DataSourceInterceptor {

    private DataSourceInterceptor() {
    }

    /** {@code null} means "run the original body". */
    public static Object getConnection(Object dataSourceObject, boolean withCredentials, String user, String password)
            throws SQLException {
        JdbcThreadState scope = JdbcThreadState.current();
        if (scope.consumeRunOriginal()) {
            return null;
        }
        JdbcRuntime runtime = JdbcRuntime.get();
        if (runtime == null || scope.depth > 0) {
            return null;
        }
        DataSource dataSource = (DataSource) dataSourceObject;
        if (DataSourceTargets.isDriverAdapter(dataSource)) {
            return null; // the Driver.connect under it is the acquisition, with the database as its target
        }
        TargetState target;
        try {
            target = DataSourceTargets.of(dataSource, runtime);
        } catch (RuntimeException e) {
            LifelineLog.internalError("DataSource target", e);
            return null;
        }
        TargetHealth health = target.health;
        if (!health.tryAcquirePermission()) {
            // The breaker is open: fail fast instead of queueing in the pool for its full timeout.
            throw new SQLTransientConnectionException(health.rejectionMessage(), "08001");
        }
        scope.depth++;
        boolean reported = false;
        try {
            Object connection;
            try {
                // Every borrow from a pool comes through here: the first attempt is a plain call,
                // the retry loop (and its allocations) only follows a failure.
                connection = original(scope, dataSource, withCredentials, user, password);
            } catch (SQLException first) {
                connection = runtime.acquisition.callAfterFirstFailure(target.name, null, runtime.acquireClassifier, first,
                        attemptNumber -> original(scope, dataSource, withCredentials, user, password));
            }
            health.onSuccessUntimed(); // no clock read per borrow: a statement on this target ticks the breaker
            reported = true;
            return connection;
        } catch (SQLException e) {
            health.onFailure(e, DriverConnectInterceptor.isOutage(e));
            reported = true;
            throw e;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            LifelineLog.internalError("DataSource.getConnection retry", e);
            return null;
        } finally {
            scope.depth--;
            if (!reported) {
                health.onFailure(null, false);
            }
        }
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
}

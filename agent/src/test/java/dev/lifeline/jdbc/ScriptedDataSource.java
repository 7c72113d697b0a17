package dev.lifeline.jdbc;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.Properties;

/**
 * A data source that opens each connection through a given driver. Its tests define a fresh copy
 * of it in a class loader of their own, after the agent, so that it gets the shape of a data source
 * class the application loads later ({@code HookWeaver.SplitBorrow}); it uses only public types of
 * the tests' loader for that reason.
 */
public class ScriptedDataSource extends DataSourceSkeleton {
    private final Driver driver;
    private final String url;

    public ScriptedDataSource(Driver driver, String url) {
        this.driver = driver;
        this.url = url;
    }

    public String getUrl() {
        return url;
    }

    /** Annotated so that a test sees the annotation stay on the public method. */
    @Deprecated
    @Override
    public Connection getConnection() throws SQLException {
        return driver.connect(url, new Properties());
    }

    /** Synchronized so that a test sees the monitor stay with the body, not the retrying method. */
    @Override
    public synchronized Connection getConnection(String username, String password) throws SQLException {
        return getConnection();
    }
}

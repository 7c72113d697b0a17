package dev.lifeline.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * The session state the application set through JDBC setters, replayed onto a replacement
 * physical connection so a re-executed statement runs as the application meant it to.
 * {@code SET}, {@code SET ROLE}, temporary tables, advisory locks and {@code LISTEN} are lost with
 * the session: JDBC never saw them (documented in the README).
 */
final class SessionState {

    volatile boolean autoCommit = true;
    volatile boolean readOnly;
    private volatile boolean readOnlySet;
    /** The isolation the application set; null while it is the server's default. */
    volatile Integer isolation;
    private volatile String schema;
    private volatile String catalog;
    private volatile Integer holdability;
    private volatile Properties clientInfo;
    private volatile Map<String, Class<?>> typeMap;
    private volatile Executor networkTimeoutExecutor;
    private volatile Integer networkTimeoutMillis;

    void initialFrom(Connection physical) throws SQLException {
        autoCommit = physical.getAutoCommit();
        readOnly = physical.isReadOnly();
    }

    void readOnly(boolean value) {
        readOnly = value;
        readOnlySet = true;
    }

    void schema(String value) {
        schema = value;
    }

    void catalog(String value) {
        catalog = value;
    }

    void holdability(int value) {
        holdability = value;
    }

    void typeMap(Map<String, Class<?>> value) {
        typeMap = value;
    }

    void networkTimeout(Executor executor, int millis) {
        networkTimeoutExecutor = executor;
        networkTimeoutMillis = millis;
    }

    void clientInfo(String name, String value) {
        Properties info = clientInfo == null ? new Properties() : (Properties) clientInfo.clone();
        if (value == null) {
            info.remove(name);
        } else {
            info.setProperty(name, value);
        }
        clientInfo = info;
    }

    void clientInfo(Properties properties) {
        clientInfo = properties == null ? new Properties() : (Properties) properties.clone();
    }

    void applyTo(Connection physical) throws SQLException {
        if (networkTimeoutMillis != null) {
            physical.setNetworkTimeout(networkTimeoutExecutor, networkTimeoutMillis);
        }
        if (physical.getAutoCommit() != autoCommit) {
            physical.setAutoCommit(autoCommit);
        }
        if (readOnlySet) {
            physical.setReadOnly(readOnly);
        }
        if (isolation != null) {
            physical.setTransactionIsolation(isolation);
        }
        if (catalog != null) {
            physical.setCatalog(catalog);
        }
        if (schema != null) {
            physical.setSchema(schema);
        }
        if (holdability != null) {
            physical.setHoldability(holdability);
        }
        if (typeMap != null) {
            physical.setTypeMap(typeMap);
        }
        if (clientInfo != null) {
            physical.setClientInfo(clientInfo);
        }
    }
}

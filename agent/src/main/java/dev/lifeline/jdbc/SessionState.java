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
    private volatile Integer isolation;
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

    /** Records a setter the application called; returns true when the method was one. */
    boolean record(String method, Object[] args) {
        switch (method) {
            case "setAutoCommit":
                autoCommit = (Boolean) args[0];
                return true;
            case "setReadOnly":
                readOnly = (Boolean) args[0];
                readOnlySet = true;
                return true;
            case "setTransactionIsolation":
                isolation = (Integer) args[0];
                return true;
            case "setSchema":
                schema = (String) args[0];
                return true;
            case "setCatalog":
                catalog = (String) args[0];
                return true;
            case "setHoldability":
                holdability = (Integer) args[0];
                return true;
            case "setTypeMap":
                @SuppressWarnings("unchecked")
                Map<String, Class<?>> map = (Map<String, Class<?>>) args[0];
                typeMap = map;
                return true;
            case "setNetworkTimeout":
                networkTimeoutExecutor = (Executor) args[0];
                networkTimeoutMillis = (Integer) args[1];
                return true;
            case "setClientInfo":
                Properties info = clientInfo == null ? new Properties() : (Properties) clientInfo.clone();
                if (args.length == 1) {
                    info = (Properties) ((Properties) args[0]).clone();
                } else if (args[1] == null) {
                    info.remove(args[0]);
                } else {
                    info.setProperty((String) args[0], (String) args[1]);
                }
                clientInfo = info;
                return true;
            default:
                return false;
        }
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

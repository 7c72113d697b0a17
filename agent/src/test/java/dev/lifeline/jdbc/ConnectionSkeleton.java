package dev.lifeline.jdbc;

import java.util.ArrayList;
import java.util.List;

/**
 * Every {@link java.sql.Connection} method with a do-nothing body (setters are remembered), so a
 * test's fake connection declares only what it is about. Concrete, public and without a final
 * method: a wrapper can subclass it, as it subclasses pgjdbc's {@code PgConnection}.
 */
public class ConnectionSkeleton implements java.sql.Connection {

    public final List<String> calls = new ArrayList<>();

    protected void call(String method, Object... arguments) {
        calls.add(method + (arguments.length > 0 ? "(" + arguments[0] + ")" : ""));
    }

    @Override public void setReadOnly(boolean a0) throws java.sql.SQLException { call("setReadOnly", a0); }
    @Override public void close() throws java.sql.SQLException { call("close"); }
    @Override public boolean isReadOnly() throws java.sql.SQLException { return false; }
    @Override public void commit() throws java.sql.SQLException { call("commit"); }
    @Override public boolean isValid(int a0) throws java.sql.SQLException { return false; }
    @Override public void abort(java.util.concurrent.Executor a0) throws java.sql.SQLException { call("abort", a0); }
    @Override public java.sql.Statement createStatement() throws java.sql.SQLException { return null; }
    @Override public java.sql.Statement createStatement(int a0, int a1, int a2) throws java.sql.SQLException { return null; }
    @Override public java.sql.Statement createStatement(int a0, int a1) throws java.sql.SQLException { return null; }
    @Override public java.sql.PreparedStatement prepareStatement(java.lang.String a0, java.lang.String[] a1) throws java.sql.SQLException { return null; }
    @Override public java.sql.PreparedStatement prepareStatement(java.lang.String a0, int a1) throws java.sql.SQLException { return null; }
    @Override public java.sql.PreparedStatement prepareStatement(java.lang.String a0, int a1, int a2) throws java.sql.SQLException { return null; }
    @Override public java.sql.PreparedStatement prepareStatement(java.lang.String a0, int[] a1) throws java.sql.SQLException { return null; }
    @Override public java.sql.PreparedStatement prepareStatement(java.lang.String a0) throws java.sql.SQLException { return null; }
    @Override public java.sql.PreparedStatement prepareStatement(java.lang.String a0, int a1, int a2, int a3) throws java.sql.SQLException { return null; }
    @Override public java.sql.CallableStatement prepareCall(java.lang.String a0, int a1, int a2) throws java.sql.SQLException { return null; }
    @Override public java.sql.CallableStatement prepareCall(java.lang.String a0) throws java.sql.SQLException { return null; }
    @Override public java.sql.CallableStatement prepareCall(java.lang.String a0, int a1, int a2, int a3) throws java.sql.SQLException { return null; }
    @Override public java.lang.String nativeSQL(java.lang.String a0) throws java.sql.SQLException { return null; }
    @Override public void setAutoCommit(boolean a0) throws java.sql.SQLException { call("setAutoCommit", a0); }
    @Override public boolean getAutoCommit() throws java.sql.SQLException { return false; }
    @Override public void rollback() throws java.sql.SQLException { call("rollback"); }
    @Override public void rollback(java.sql.Savepoint a0) throws java.sql.SQLException { call("rollback", a0); }
    @Override public boolean isClosed() throws java.sql.SQLException { return false; }
    @Override public java.sql.DatabaseMetaData getMetaData() throws java.sql.SQLException { return null; }
    @Override public void setCatalog(java.lang.String a0) throws java.sql.SQLException { call("setCatalog", a0); }
    @Override public java.lang.String getCatalog() throws java.sql.SQLException { return null; }
    @Override public void setTransactionIsolation(int a0) throws java.sql.SQLException { call("setTransactionIsolation", a0); }
    @Override public int getTransactionIsolation() throws java.sql.SQLException { return 0; }
    @Override public java.sql.SQLWarning getWarnings() throws java.sql.SQLException { return null; }
    @Override public void clearWarnings() throws java.sql.SQLException { call("clearWarnings"); }
    @Override public java.util.Map<java.lang.String, java.lang.Class<?>> getTypeMap() throws java.sql.SQLException { return null; }
    @Override public void setTypeMap(java.util.Map<java.lang.String, java.lang.Class<?>> a0) throws java.sql.SQLException { call("setTypeMap", a0); }
    @Override public void setHoldability(int a0) throws java.sql.SQLException { call("setHoldability", a0); }
    @Override public int getHoldability() throws java.sql.SQLException { return 0; }
    @Override public java.sql.Savepoint setSavepoint() throws java.sql.SQLException { return null; }
    @Override public java.sql.Savepoint setSavepoint(java.lang.String a0) throws java.sql.SQLException { return null; }
    @Override public void releaseSavepoint(java.sql.Savepoint a0) throws java.sql.SQLException { call("releaseSavepoint", a0); }
    @Override public java.sql.Clob createClob() throws java.sql.SQLException { return null; }
    @Override public java.sql.Blob createBlob() throws java.sql.SQLException { return null; }
    @Override public java.sql.NClob createNClob() throws java.sql.SQLException { return null; }
    @Override public java.sql.SQLXML createSQLXML() throws java.sql.SQLException { return null; }
    @Override public void setClientInfo(java.util.Properties a0) throws java.sql.SQLClientInfoException { call("setClientInfo", a0); }
    @Override public void setClientInfo(java.lang.String a0, java.lang.String a1) throws java.sql.SQLClientInfoException { call("setClientInfo", a0, a1); }
    @Override public java.util.Properties getClientInfo() throws java.sql.SQLException { return null; }
    @Override public java.lang.String getClientInfo(java.lang.String a0) throws java.sql.SQLException { return null; }
    @Override public java.sql.Array createArrayOf(java.lang.String a0, java.lang.Object[] a1) throws java.sql.SQLException { return null; }
    @Override public java.sql.Struct createStruct(java.lang.String a0, java.lang.Object[] a1) throws java.sql.SQLException { return null; }
    @Override public void setSchema(java.lang.String a0) throws java.sql.SQLException { call("setSchema", a0); }
    @Override public java.lang.String getSchema() throws java.sql.SQLException { return null; }
    @Override public void setNetworkTimeout(java.util.concurrent.Executor a0, int a1) throws java.sql.SQLException { call("setNetworkTimeout", a0, a1); }
    @Override public int getNetworkTimeout() throws java.sql.SQLException { return 0; }
    @Override public <T> T unwrap(java.lang.Class<T> a0) throws java.sql.SQLException { return null; }
    @Override public boolean isWrapperFor(java.lang.Class<?> a0) throws java.sql.SQLException { return false; }
}

package stubjdbc;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.Map;

/** One row of one column holding {@code 1}, rewound by its statement for each query. */
@SuppressWarnings("deprecation") // ResultSet still declares getUnicodeStream and the old getBigDecimal
public final class StubResultSet implements ResultSet {

    private final StubStatement statement;
    private int row;
    private boolean closed = true;

    StubResultSet(StubStatement statement) {
        this.statement = statement;
    }

    StubResultSet rewind() {
        row = 0;
        closed = false;
        return this;
    }

    private void onRow(int columnIndex) throws SQLException {
        if (closed) {
            throw new SQLException("This ResultSet is closed.", "55000");
        }
        if (row != 1) {
            throw new SQLException("ResultSet not positioned properly, perhaps you need to call next.", "24000");
        }
        if (columnIndex != 1) {
            throw new SQLException("The column index is out of range: " + columnIndex, "22023");
        }
    }

    @Override
    public boolean next() throws SQLException {
        if (closed) {
            throw new SQLException("This ResultSet is closed.", "55000");
        }
        return ++row == 1;
    }

    @Override
    public int getInt(int columnIndex) throws SQLException {
        onRow(columnIndex);
        return 1;
    }

    @Override
    public long getLong(int columnIndex) throws SQLException {
        onRow(columnIndex);
        return 1L;
    }

    @Override
    public String getString(int columnIndex) throws SQLException {
        onRow(columnIndex);
        return "1";
    }

    @Override
    public Object getObject(int columnIndex) throws SQLException {
        onRow(columnIndex);
        return 1;
    }

    @Override
    public int getInt(String columnLabel) throws SQLException {
        return getInt(findColumn(columnLabel));
    }

    @Override
    public long getLong(String columnLabel) throws SQLException {
        return getLong(findColumn(columnLabel));
    }

    @Override
    public String getString(String columnLabel) throws SQLException {
        return getString(findColumn(columnLabel));
    }

    @Override
    public Object getObject(String columnLabel) throws SQLException {
        return getObject(findColumn(columnLabel));
    }

    @Override
    public int findColumn(String columnLabel) throws SQLException {
        if (columnLabel.equals("?column?") || columnLabel.equals("1")) {
            return 1;
        }
        throw new SQLException("The column name " + columnLabel + " was not found in this ResultSet.", "42703");
    }

    @Override
    public boolean wasNull() {
        return false;
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public Statement getStatement() {
        return statement;
    }

    @Override
    public SQLWarning getWarnings() {
        return null;
    }

    @Override
    public void clearWarnings() {
        // no warnings, ever
    }

    @Override
    public int getType() {
        return TYPE_FORWARD_ONLY;
    }

    @Override
    public int getConcurrency() {
        return CONCUR_READ_ONLY;
    }

    @Override
    public int getHoldability() {
        return CLOSE_CURSORS_AT_COMMIT;
    }

    @Override
    public int getFetchDirection() {
        return FETCH_FORWARD;
    }

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        if (direction != FETCH_FORWARD) {
            throw StubConnection.unsupported();
        }
    }

    @Override
    public int getFetchSize() {
        return 0;
    }

    @Override
    public void setFetchSize(int rows) {
        // one row: nothing to fetch ahead
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper for " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    // Not used by the benchmarks: unsupported.

    @Override
    public boolean absolute(int columnIndex) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void afterLast() throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void beforeFirst() throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void cancelRowUpdates() throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void deleteRow() throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public boolean first() throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public Array getArray(String columnLabel) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public Array getArray(int columnIndex) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public InputStream getAsciiStream(String columnLabel) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public InputStream getAsciiStream(int columnIndex) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public BigDecimal getBigDecimal(String columnLabel, int x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public BigDecimal getBigDecimal(String columnLabel) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public BigDecimal getBigDecimal(int columnIndex, int x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public BigDecimal getBigDecimal(int columnIndex) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public InputStream getBinaryStream(String columnLabel) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public InputStream getBinaryStream(int columnIndex) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public Blob getBlob(String columnLabel) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public Blob getBlob(int columnIndex) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public boolean getBoolean(String columnLabel) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public boolean getBoolean(int columnIndex) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public byte getByte(String columnLabel) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public byte getByte(int columnIndex) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public byte[] getBytes(String columnLabel) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public byte[] getBytes(int columnIndex) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public Reader getCharacterStream(String columnLabel) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public Reader getCharacterStream(int columnIndex) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public Clob getClob(String columnLabel) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public Clob getClob(int columnIndex) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public String getCursorName() throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public Date getDate(String columnLabel, Calendar x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public Date getDate(String columnLabel) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public Date getDate(int columnIndex, Calendar x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public Date getDate(int columnIndex) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public double getDouble(String columnLabel) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public double getDouble(int columnIndex) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public float getFloat(String columnLabel) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public float getFloat(int columnIndex) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public Reader getNCharacterStream(String columnLabel) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public Reader getNCharacterStream(int columnIndex) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public NClob getNClob(String columnLabel) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public NClob getNClob(int columnIndex) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public String getNString(String columnLabel) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public String getNString(int columnIndex) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public <T> T getObject(String columnLabel, Class<T> type) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public Object getObject(String columnLabel, Map<String, Class<?>> map) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public <T> T getObject(int columnIndex, Class<T> type) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public Object getObject(int columnIndex, Map<String, Class<?>> map) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public Ref getRef(String columnLabel) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public Ref getRef(int columnIndex) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public int getRow() throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public RowId getRowId(String columnLabel) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public RowId getRowId(int columnIndex) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public SQLXML getSQLXML(String columnLabel) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public SQLXML getSQLXML(int columnIndex) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public short getShort(String columnLabel) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public short getShort(int columnIndex) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public Time getTime(String columnLabel, Calendar x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public Time getTime(String columnLabel) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public Time getTime(int columnIndex, Calendar x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public Time getTime(int columnIndex) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public Timestamp getTimestamp(String columnLabel, Calendar x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public Timestamp getTimestamp(String columnLabel) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public Timestamp getTimestamp(int columnIndex, Calendar x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public Timestamp getTimestamp(int columnIndex) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public URL getURL(String columnLabel) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public URL getURL(int columnIndex) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public InputStream getUnicodeStream(String columnLabel) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public InputStream getUnicodeStream(int columnIndex) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void insertRow() throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public boolean isAfterLast() throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public boolean isBeforeFirst() throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public boolean isFirst() throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public boolean isLast() throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public boolean last() throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void moveToCurrentRow() throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void moveToInsertRow() throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public boolean previous() throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void refreshRow() throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public boolean relative(int columnIndex) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public boolean rowDeleted() throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public boolean rowInserted() throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public boolean rowUpdated() throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateArray(String columnLabel, Array x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateArray(int columnIndex, Array x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateAsciiStream(String columnLabel, InputStream x, int length) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateAsciiStream(String columnLabel, InputStream x, long length) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateAsciiStream(String columnLabel, InputStream x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateAsciiStream(int columnIndex, InputStream x, int length) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateAsciiStream(int columnIndex, InputStream x, long length) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateAsciiStream(int columnIndex, InputStream x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateBigDecimal(String columnLabel, BigDecimal x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateBigDecimal(int columnIndex, BigDecimal x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateBinaryStream(String columnLabel, InputStream x, int length) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateBinaryStream(String columnLabel, InputStream x, long length) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateBinaryStream(String columnLabel, InputStream x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateBinaryStream(int columnIndex, InputStream x, int length) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateBinaryStream(int columnIndex, InputStream x, long length) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateBinaryStream(int columnIndex, InputStream x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateBlob(String columnLabel, InputStream x, long length) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateBlob(String columnLabel, InputStream x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateBlob(String columnLabel, Blob x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateBlob(int columnIndex, InputStream x, long length) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateBlob(int columnIndex, InputStream x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateBlob(int columnIndex, Blob x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateBoolean(String columnLabel, boolean x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateBoolean(int columnIndex, boolean x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateByte(String columnLabel, byte x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateByte(int columnIndex, byte x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateBytes(String columnLabel, byte[] x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateBytes(int columnIndex, byte[] x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateCharacterStream(String columnLabel, Reader x, int length) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateCharacterStream(String columnLabel, Reader x, long length) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateCharacterStream(String columnLabel, Reader x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateCharacterStream(int columnIndex, Reader x, int length) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateCharacterStream(int columnIndex, Reader x, long length) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateCharacterStream(int columnIndex, Reader x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateClob(String columnLabel, Reader x, long length) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateClob(String columnLabel, Reader x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateClob(String columnLabel, Clob x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateClob(int columnIndex, Reader x, long length) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateClob(int columnIndex, Reader x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateClob(int columnIndex, Clob x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateDate(String columnLabel, Date x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateDate(int columnIndex, Date x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateDouble(String columnLabel, double x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateDouble(int columnIndex, double x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateFloat(String columnLabel, float x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateFloat(int columnIndex, float x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateInt(String columnLabel, int x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateInt(int columnIndex, int x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateLong(String columnLabel, long x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateLong(int columnIndex, long x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateNCharacterStream(String columnLabel, Reader x, long length) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateNCharacterStream(String columnLabel, Reader x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateNCharacterStream(int columnIndex, Reader x, long length) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateNCharacterStream(int columnIndex, Reader x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateNClob(String columnLabel, Reader x, long length) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateNClob(String columnLabel, Reader x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateNClob(String columnLabel, NClob x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateNClob(int columnIndex, Reader x, long length) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateNClob(int columnIndex, Reader x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateNClob(int columnIndex, NClob x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateNString(String columnLabel, String x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateNString(int columnIndex, String x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateNull(String columnLabel) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateNull(int columnIndex) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateObject(String columnLabel, Object x, int scaleOrLength) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateObject(String columnLabel, Object x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateObject(int columnIndex, Object x, int scaleOrLength) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateObject(int columnIndex, Object x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateRef(String columnLabel, Ref x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateRef(int columnIndex, Ref x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateRow() throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateRowId(String columnLabel, RowId x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateRowId(int columnIndex, RowId x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateSQLXML(String columnLabel, SQLXML x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateSQLXML(int columnIndex, SQLXML x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateShort(String columnLabel, short x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateShort(int columnIndex, short x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateString(String columnLabel, String x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateString(int columnIndex, String x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateTime(String columnLabel, Time x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateTime(int columnIndex, Time x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateTimestamp(String columnLabel, Timestamp x) throws SQLException {
        throw StubConnection.unsupported();
    }

    @Override
    public void updateTimestamp(int columnIndex, Timestamp x) throws SQLException {
        throw StubConnection.unsupported();
    }
}

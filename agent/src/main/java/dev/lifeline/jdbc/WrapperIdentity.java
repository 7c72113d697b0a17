package dev.lifeline.jdbc;

import java.sql.SQLException;
import java.sql.Wrapper;

/**
 * What every Lifeline wrapper answers itself rather than the driver's object: identity
 * ({@code equals}, {@code hashCode}) is the wrapper's, and {@code unwrap}/{@code isWrapperFor}
 * hand out the wrapper wherever the requested type allows, so the application never holds the
 * driver's object by accident (it goes stale when Lifeline replaces it).
 */
final class WrapperIdentity {

    private WrapperIdentity() {
    }

    static <T> T unwrap(Object wrapper, Wrapper physical, Class<T> iface) throws SQLException {
        if (iface != null && iface.isInstance(wrapper)) {
            return iface.cast(wrapper);
        }
        return physical.unwrap(iface);
    }

    static boolean isWrapperFor(Object wrapper, Wrapper physical, Class<?> iface) throws SQLException {
        return (iface != null && iface.isInstance(wrapper)) || physical.isWrapperFor(iface);
    }
}

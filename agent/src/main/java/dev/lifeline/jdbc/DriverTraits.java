package dev.lifeline.jdbc;

import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * What Lifeline can learn from the driver without linking against it. pgjdbc exposes the session's
 * transaction state and its query mode on {@code BaseConnection}; other drivers answer "unknown",
 * and unknown always means "do not replay writes".
 */
final class DriverTraits {

    private static final ClassValue<DriverTraits> BY_CLASS = new ClassValue<>() {
        @Override
        protected DriverTraits computeValue(Class<?> type) {
            return new DriverTraits(publicMethod(type, "getTransactionState"), publicMethod(type, "getPreferQueryMode"),
                    type.getName().startsWith("org.postgresql."));
        }
    };

    private final Method transactionState;
    private final Method preferQueryMode;
    /** pgjdbc: Lifeline sees its protocol reader, so "a result was received" is known. */
    final boolean protocolSignals;

    private DriverTraits(Method transactionState, Method preferQueryMode, boolean pgjdbc) {
        this.transactionState = transactionState;
        this.preferQueryMode = preferQueryMode;
        this.protocolSignals = pgjdbc && transactionState != null;
    }

    static DriverTraits of(Connection physical) {
        return BY_CLASS.get(physical.getClass());
    }

    /** True when the session has no open transaction; false when it has one or when unknown. */
    boolean idle(Connection physical) {
        if (transactionState == null) {
            return false;
        }
        try {
            return "IDLE".equals(String.valueOf(transactionState.invoke(physical)));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /** pgjdbc's {@code preferQueryMode=simple}; unknown counts as simple (no write is replayed on it). */
    boolean simpleProtocol(Connection physical) {
        if (!protocolSignals || preferQueryMode == null) {
            return true;
        }
        try {
            return String.valueOf(preferQueryMode.invoke(physical)).equalsIgnoreCase("SIMPLE");
        } catch (ReflectiveOperationException | RuntimeException e) {
            return true;
        }
    }

    /**
     * Whether {@code setReadOnly(true)} makes the server refuse writes: pgjdbc sends
     * {@code BEGIN READ ONLY} unless {@code readOnlyMode=ignore}. Other drivers: not known, so no.
     */
    boolean enforcesReadOnly(String url, java.util.Properties info) {
        if (!protocolSignals) {
            return false;
        }
        String mode = info == null ? null : info.getProperty("readOnlyMode");
        if (mode == null && url != null) {
            java.util.regex.Matcher m = READ_ONLY_MODE.matcher(url);
            mode = m.find() ? m.group(1) : null;
        }
        return mode == null || !mode.equalsIgnoreCase("ignore");
    }

    private static final java.util.regex.Pattern READ_ONLY_MODE =
            java.util.regex.Pattern.compile("(?i)[?&]readOnlyMode=([^&]*)");

    /** The server's severity of a pgjdbc PSQLException (FATAL for a terminated session), or null. */
    static String severity(SQLException failure) {
        try {
            Method getMessage = failure.getClass().getMethod("getServerErrorMessage");
            Object message = getMessage.invoke(failure);
            if (message == null) {
                return null;
            }
            return (String) message.getClass().getMethod("getSeverity").invoke(message);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static Method publicMethod(Class<?> type, String name) {
        for (Class<?> iface : WrapperGenerator.publicInterfaces(type, Connection.class)) {
            try {
                return iface.getMethod(name);
            } catch (NoSuchMethodException ignored) {
                // keep looking
            }
        }
        return null;
    }
}

package dev.lifeline.jdbc;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.sql.SQLException;

/**
 * An SQLException of the very type the driver threw, with the same SQLState and vendor code, whose
 * message adds what Lifeline knows ("the outcome is unknown"). The driver's exception is kept as
 * the cause, so nothing it carried (pgjdbc's ServerErrorMessage, say) is lost. Applications that
 * catch {@code PSQLException} or test {@code getSQLState()} behave as without the agent.
 *
 * <p>Found by reflection, never linked: the JDK's own types have a
 * {@code (reason, SQLState, vendorCode, cause)} constructor; pgjdbc's {@code PSQLException} takes
 * {@code (message, PSQLState, cause)}. When no constructor fits, the driver's exception itself is
 * returned with the explanation attached as a suppressed exception.
 */
final class SameTypeSqlException {

    private SameTypeSqlException() {
    }

    static SQLException withMessage(SQLException original, String explanation) {
        String message = original.getMessage() + " [" + explanation + "]";
        SQLException rebuilt = rebuild(original, message);
        if (rebuilt == null) {
            original.addSuppressed(new Explanation(explanation));
            return original;
        }
        rebuilt.setStackTrace(original.getStackTrace());
        return rebuilt;
    }

    private static SQLException rebuild(SQLException original, String message) {
        Class<? extends SQLException> type = original.getClass();
        try {
            Constructor<? extends SQLException> full = type.getConstructor(String.class, String.class, int.class, Throwable.class);
            return full.newInstance(message, original.getSQLState(), original.getErrorCode(), original);
        } catch (ReflectiveOperationException | RuntimeException ignored) {
            // not a java.sql-style constructor
        }
        try {
            for (Constructor<?> constructor : type.getConstructors()) {
                Class<?>[] parameters = constructor.getParameterTypes();
                if (parameters.length == 3 && parameters[0] == String.class && parameters[1].isEnum()
                        && parameters[2] == Throwable.class) {
                    Object state = enumConstantWithState(parameters[1], original.getSQLState());
                    if (state != null) {
                        return (SQLException) constructor.newInstance(message, state, original);
                    }
                }
            }
        } catch (ReflectiveOperationException | RuntimeException ignored) {
            // fall through
        }
        try {
            Constructor<? extends SQLException> stateAndCause = type.getConstructor(String.class, String.class, Throwable.class);
            return stateAndCause.newInstance(message, original.getSQLState(), original);
        } catch (ReflectiveOperationException | RuntimeException ignored) {
            return null;
        }
    }

    /** pgjdbc's PSQLState: the constant whose getState() is the SQLState. */
    private static Object enumConstantWithState(Class<?> enumType, String sqlState) throws ReflectiveOperationException {
        if (sqlState == null) {
            return null;
        }
        Method getState = enumType.getMethod("getState");
        for (Object constant : enumType.getEnumConstants()) {
            if (sqlState.equals(getState.invoke(constant))) {
                return constant;
            }
        }
        return null;
    }

    /** Carries Lifeline's explanation when the driver's exception cannot be rebuilt. */
    static final class Explanation extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Explanation(String message) {
            super(message, null, false, false);
        }
    }
}

package dev.lifeline.weave;

import dev.lifeline.log.LifelineLog;

import java.lang.instrument.Instrumentation;
import java.sql.Driver;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Classes that were loaded before Lifeline's transformer was registered (a late attach). */
public final class LoadedClasses {

    private LoadedClasses() {
    }

    /**
     * The loaded classes that are hook points: the ones woven by name, and with
     * {@code jdbcImplementations} every JDBC driver and data source too (a late attach; at
     * start-up none is loaded yet, and asking would load {@code java.sql} for nothing).
     */
    public static List<Class<?>> hookPoints(Instrumentation instrumentation, boolean jdbcImplementations) {
        List<Class<?>> found = new ArrayList<>();
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            try {
                if ((isNamedHookPoint(type) || (jdbcImplementations && isJdbcImplementation(type)))
                        && instrumentation.isModifiableClass(type)) {
                    found.add(type);
                }
            } catch (Throwable t) {
                // A class whose hierarchy cannot be inspected is not one of ours.
            }
        }
        return found;
    }

    private static boolean isNamedHookPoint(Class<?> type) {
        return LifelineTransformer.named(type.getName().replace('.', '/')) != null;
    }

    private static boolean isJdbcImplementation(Class<?> type) {
        return !type.isInterface() && type.getClassLoader() != null && !type.getName().startsWith("dev.lifeline.")
                && (Driver.class.isAssignableFrom(type) || DataSource.class.isAssignableFrom(type));
    }

    /** Retransforms each class on its own, so that one failure leaves the others woven. */
    public static void retransform(Instrumentation instrumentation, List<Class<?>> classes) {
        for (Class<?> type : classes) {
            try {
                instrumentation.retransformClasses(type);
            } catch (Throwable t) {
                LifelineLog.internalError("instrumenting the loaded class " + type.getName(), t);
            }
        }
    }
}

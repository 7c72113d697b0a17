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

    /** The loaded classes that are hook points: the named ones, and every JDBC driver and data source. */
    public static List<Class<?>> hookPoints(Instrumentation instrumentation) {
        List<Class<?>> found = new ArrayList<>();
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            try {
                if (isHookPoint(type) && instrumentation.isModifiableClass(type)) {
                    found.add(type);
                }
            } catch (Throwable t) {
                // A class whose hierarchy cannot be inspected is not one of ours.
            }
        }
        return found;
    }

    private static boolean isHookPoint(Class<?> type) {
        String name = type.getName().replace('.', '/');
        switch (name) {
            case LifelineTransformer.HIKARI_CONFIG:
            case LifelineTransformer.PG_STREAM:
            case LifelineTransformer.HTTP_CLIENT_FACADE:
            case LifelineTransformer.HTTP_URL_CONNECTION:
                return true;
            default:
                if (name.equals(LifelineTransformer.METER_REGISTRY)) {
                    return true;
                }
                return !type.isInterface() && type.getClassLoader() != null && !name.startsWith("dev/lifeline/")
                        && (Driver.class.isAssignableFrom(type) || DataSource.class.isAssignableFrom(type));
        }
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

package dev.lifeline.jdbc;

import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Which database target a {@code DataSource} talks to, found once per data source by asking it
 * for its URL ({@code getJdbcUrl()} for HikariCP, {@code getUrl()}/{@code getURL()} for pgjdbc
 * and most others). Data sources are not kept alive by Lifeline.
 */
final class DataSourceTargets {

    private static final String[] URL_GETTERS = {"getJdbcUrl", "getUrl", "getURL"};

    private static final Map<Object, TargetState> KNOWN = new WeakHashMap<>();

    /** Most applications have one data source: answer it without a lock. */
    private static volatile Last last;

    private DataSourceTargets() {
    }

    static TargetState of(Object dataSource, JdbcRuntime runtime) {
        Last cached = last;
        if (cached != null && cached.dataSource.get() == dataSource && cached.runtime == runtime) {
            return cached.target;
        }
        TargetState target;
        synchronized (KNOWN) {
            target = KNOWN.get(dataSource);
        }
        if (target == null) {
            target = runtime.forName(describe(dataSource));
            synchronized (KNOWN) {
                KNOWN.put(dataSource, target);
            }
        }
        last = new Last(dataSource, target, runtime);
        return target;
    }

    /** A new runtime (tests install several) starts with no remembered targets. */
    static void clear() {
        synchronized (KNOWN) {
            KNOWN.clear();
        }
        last = null;
    }

    /**
     * A pool's internal adapter that only calls a {@code Driver} (HikariCP's {@code DriverDataSource}
     * when the pool is given a JDBC URL): not a target of its own; Lifeline acts on the
     * {@code Driver.connect} below it, named after the database.
     */
    static boolean isDriverAdapter(Object dataSource) {
        return dataSource.getClass().getName().equals("com.zaxxer.hikari.util.DriverDataSource");
    }

    static String describe(Object dataSource) {
        for (String getter : URL_GETTERS) {
            try {
                Method method = dataSource.getClass().getMethod(getter);
                if (method.getReturnType() == String.class && Modifier.isPublic(method.getDeclaringClass().getModifiers())) {
                    Object url = method.invoke(dataSource);
                    if (url instanceof String && ((String) url).startsWith("jdbc:")) {
                        return JdbcTarget.of((String) url);
                    }
                }
            } catch (ReflectiveOperationException | RuntimeException | LinkageError ignored) {
                // Try the next getter; a data source without a URL is named by its class below.
            }
        }
        return "datasource:" + dataSource.getClass().getSimpleName();
    }

    private static final class Last {
        final WeakReference<Object> dataSource;
        final TargetState target;
        final JdbcRuntime runtime;

        Last(Object dataSource, TargetState target, JdbcRuntime runtime) {
            this.dataSource = new WeakReference<>(dataSource);
            this.target = target;
            this.runtime = runtime;
        }
    }
}

package dev.lifeline.jdbc;

import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
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

    /**
     * The data sources seen lately, newest first: answered without a lock or a write, however many
     * threads borrow from them. Replaced (copy on write) only when a data source not in it shows up,
     * so an application with a few pools (a primary and a replica, one per tenant) never writes it
     * again once each was seen; a one-entry cache would be rewritten on every borrow that alternates.
     */
    private static volatile Recent[] recent = new Recent[0];

    /** Data sources kept in {@link #recent}; more than that alternating fall back to the locked map. */
    static final int RECENT = 8;

    private DataSourceTargets() {
    }

    static TargetState of(Object dataSource, JdbcRuntime runtime) {
        TargetState seen = seenLately(dataSource, runtime);
        return seen != null ? seen : remember(dataSource, runtime);
    }

    /** The target of a data source among the ones seen lately, or null: no lock, no write. */
    static TargetState seenLately(Object dataSource, JdbcRuntime runtime) {
        for (Recent r : recent) {
            if (r.dataSource.get() == dataSource && r.runtime == runtime) {
                return r.target;
            }
        }
        return null;
    }

    /**
     * The target of a data source not seen lately ({@link #seenLately} answered null), found (or
     * named, the first time) and kept among the recent ones.
     */
    static TargetState remember(Object dataSource, JdbcRuntime runtime) {
        TargetState target;
        synchronized (KNOWN) {
            target = KNOWN.get(dataSource);
        }
        if (target == null) {
            target = runtime.forName(describe(dataSource)); // the data source's own getter: not under the lock
        }
        synchronized (KNOWN) {
            TargetState known = KNOWN.putIfAbsent(dataSource, target);
            if (known != null) {
                target = known;
            }
            Recent[] seen = recent;
            Recent[] next = new Recent[Math.min(RECENT, seen.length + 1)];
            next[0] = new Recent(dataSource, target, runtime);
            int kept = 1;
            for (Recent r : seen) {
                // Drop the entry being replaced, collected data sources, and a discarded runtime's.
                Object alive = r.dataSource.get();
                if (kept < next.length && r.runtime == runtime && alive != null && alive != dataSource) {
                    next[kept++] = r;
                }
            }
            recent = kept == next.length ? next : Arrays.copyOf(next, kept);
        }
        return target;
    }

    /** The array the fast path reads, for tests: it must not change while known pools are used in turn. */
    static Object recentArray() {
        return recent;
    }

    /** A new runtime (tests install several) starts with no remembered targets. */
    static void clear() {
        synchronized (KNOWN) {
            KNOWN.clear();
            recent = new Recent[0];
        }
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

    private static final class Recent {
        final WeakReference<Object> dataSource;
        final TargetState target;
        final JdbcRuntime runtime;

        Recent(Object dataSource, TargetState target, JdbcRuntime runtime) {
            this.dataSource = new WeakReference<>(dataSource);
            this.target = target;
            this.runtime = runtime;
        }
    }
}

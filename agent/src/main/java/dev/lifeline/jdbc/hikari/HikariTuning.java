package dev.lifeline.jdbc.hikari;

import dev.lifeline.jdbc.JdbcRuntime;
import dev.lifeline.jdbc.JdbcTarget;
import dev.lifeline.log.LifelineLog;

import java.lang.reflect.Field;

/**
 * Tunes a HikariCP pool as it is built ({@code HikariConfig.validate()}, which both
 * {@code new HikariDataSource(config)} and the lazily started {@code new HikariDataSource()} call
 * before sealing the configuration):
 * <ul>
 *   <li>{@code maximumPoolSize} clamped to {@code lifeline.jdbc.maxConnections}, only when the
 *       user set a fixed cap there (incident 5: the pooler refused clients past its limit);</li>
 *   <li>{@code keepaliveTime} and {@code maxLifetime} from Lifeline's settings, unless the
 *       application set its own (incidents 2 and 4: idle connections killed server-side).</li>
 * </ul>
 * HikariCP is reached by reflection: the agent never links against it, so it works whichever
 * class loader HikariCP sits in and whichever version (4 to 7) it is.
 */
public final class HikariTuning {

    private HikariTuning() {
    }

    public static void beforeValidate(Object hikariConfig) {
        JdbcRuntime runtime = JdbcRuntime.get();
        if (runtime == null) {
            return;
        }
        try {
            tune(hikariConfig, runtime);
        } catch (Throwable t) {
            LifelineLog.internalError("HikariCP tuning", t);
        }
    }

    static void tune(Object config, JdbcRuntime runtime) throws ReflectiveOperationException {
        Class<?> type = config.getClass();
        String url = (String) type.getMethod("getJdbcUrl").invoke(config);
        String target = url != null ? JdbcTarget.of(url) : "datasource";
        String pool = String.valueOf(type.getMethod("getPoolName").invoke(config));
        StringBuilder changes = new StringBuilder();

        // Only a cap the user set clamps the pool: the pool size is otherwise the application's choice.
        int cap = runtime.maxConnections();
        int size = (Integer) type.getMethod("getMaximumPoolSize").invoke(config);
        // HikariCP leaves -1 until validate() applies its default of 10.
        int effective = size < 1 ? 10 : size;
        if (cap > 0 && effective > cap) {
            type.getMethod("setMaximumPoolSize", int.class).invoke(config, cap);
            changes.append(" maximumPoolSize ").append(effective).append("->").append(cap)
                    .append(" (lifeline.jdbc.maxConnections)");
            int minIdle = (Integer) type.getMethod("getMinimumIdle").invoke(config);
            if (minIdle > cap) {
                type.getMethod("setMinimumIdle", int.class).invoke(config, cap);
            }
        }

        long maxLifetime = (Long) type.getMethod("getMaxLifetime").invoke(config);
        long defaultMaxLifetime = hikariDefault(type, "MAX_LIFETIME", 1_800_000L);
        if (maxLifetime == defaultMaxLifetime && runtime.maxLifetime().toMillis() != defaultMaxLifetime) {
            maxLifetime = runtime.maxLifetime().toMillis();
            type.getMethod("setMaxLifetime", long.class).invoke(config, maxLifetime);
            changes.append(" maxLifetime ").append(maxLifetime).append("ms (lifeline.jdbc.maxLifetime)");
        }

        long keepalive = (Long) type.getMethod("getKeepaliveTime").invoke(config);
        long defaultKeepalive = hikariDefault(type, "DEFAULT_KEEPALIVE_TIME", 120_000L);
        long wanted = runtime.keepalive().toMillis();
        if (keepalive == defaultKeepalive && wanted != keepalive && wanted < maxLifetime) {
            type.getMethod("setKeepaliveTime", long.class).invoke(config, wanted);
            changes.append(" keepaliveTime ").append(wanted).append("ms (lifeline.jdbc.keepalive)");
        }

        if (changes.length() > 0) {
            LifelineLog.notice("hikari:" + pool + "|" + target,
                    "HikariCP pool" + ("null".equals(pool) ? "" : " " + pool) + " to " + target + ":" + changes);
        }
    }

    /** HikariCP's own default, read from its private constant so that "set by the application" is exact per version. */
    private static long hikariDefault(Class<?> type, String constant, long fallback) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getName().equals("com.zaxxer.hikari.HikariConfig")) {
                try {
                    Field field = c.getDeclaredField(constant);
                    field.setAccessible(true);
                    return field.getLong(null);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return fallback;
                }
            }
        }
        return fallback;
    }
}

package dev.lifeline.http.okhttp;

import dev.lifeline.http.HttpSettings;
import dev.lifeline.http.LibraryReflection;
import dev.lifeline.log.LifelineLog;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.util.concurrent.TimeUnit;

/**
 * OkHttp's connection pool, tuned as each {@code OkHttpClient} is made (woven at the entry of
 * {@code OkHttpClient(Builder)}, which {@code new OkHttpClient()} and {@code Builder.build()}
 * both reach): an idle pooled connection is closed after {@code lifeline.http.keepalive}
 * (incident 4's 60 s) instead of OkHttp's 5 minutes, before a server or proxy drops it unnoticed.
 * Only a pool at OkHttp's defaults (5 idle connections, 5 minutes) is changed, in place, so a pool
 * the application shares between clients stays shared. Reached by reflection, never linked
 * against OkHttp.
 */
public final class ClientTuning {

    static final long OKHTTP_DEFAULT_KEEPALIVE_NANOS = TimeUnit.MINUTES.toNanos(5);
    static final int OKHTTP_DEFAULT_MAX_IDLE = 5;

    private ClientTuning() {
    }

    public static void beforeClient(Object builder) {
        HttpSettings settings = HttpSettings.current();
        if (settings == null || builder == null) {
            return;
        }
        try {
            Field poolField = LibraryReflection.field(builder.getClass(), "connectionPool");
            if (poolField == null) {
                return;
            }
            Object pool = poolField.get(builder);
            if (pool == null) {
                // OkHttp 5 leaves it null until the client makes its default one: make that one here.
                Constructor<?> constructor = poolField.getType().getConstructor(int.class, long.class, TimeUnit.class);
                poolField.set(builder, constructor.newInstance(OKHTTP_DEFAULT_MAX_IDLE, settings.keepaliveMillis(), TimeUnit.MILLISECONDS));
                notice(settings);
                return;
            }
            Field delegateField = LibraryReflection.field(pool.getClass(), "delegate");
            Object delegate = delegateField == null ? null : delegateField.get(pool);
            Field keepAlive = delegate == null ? null : LibraryReflection.field(delegate.getClass(), "keepAliveDurationNs");
            Field maxIdle = delegate == null ? null : LibraryReflection.field(delegate.getClass(), "maxIdleConnections");
            if (keepAlive == null || maxIdle == null) {
                return;
            }
            long wanted = TimeUnit.MILLISECONDS.toNanos(settings.keepaliveMillis());
            // Two clients built at once from one shared default pool both write the same value: no lock needed.
            if (keepAlive.getLong(delegate) == OKHTTP_DEFAULT_KEEPALIVE_NANOS && maxIdle.getInt(delegate) == OKHTTP_DEFAULT_MAX_IDLE
                    && wanted != OKHTTP_DEFAULT_KEEPALIVE_NANOS) {
                keepAlive.setLong(delegate, wanted);
                notice(settings);
            }
        } catch (Throwable t) {
            LifelineLog.internalError("OkHttp connection pool tuning", t);
        }
    }

    private static void notice(HttpSettings settings) {
        LifelineLog.notice("okhttp-pool", "OkHttp connection pools: idle connections closed after "
                + settings.keepaliveMillis() + "ms (lifeline.http.keepalive); resends after a request may have left are"
                + " Lifeline's (lifeline.retry.*), never for a POST or PATCH without Idempotency-Key");
    }
}

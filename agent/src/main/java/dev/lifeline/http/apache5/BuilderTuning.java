package dev.lifeline.http.apache5;

import dev.lifeline.http.HttpSettings;
import dev.lifeline.http.LibraryReflection;
import dev.lifeline.log.LifelineLog;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.concurrent.TimeUnit;

/**
 * Apache HttpClient 5's builders, tuned as they build (woven at the entry of {@code build()}),
 * only where the application left a value at its default. Reached by reflection: never linked
 * against the library, whichever loader or relocated package it sits in.
 *
 * <ul>
 *   <li>{@code HttpClientBuilder}, {@code HttpAsyncClientBuilder}, {@code H2AsyncClientBuilder}:
 *       the client's own retries ({@code DefaultHttpRequestRetryStrategy}: one retry after 1 s,
 *       429/503 with Retry-After) are turned off, since Lifeline retries each call under
 *       {@code lifeline.retry.*} and both together would multiply attempts; and a connection the
 *       server gave no {@code Keep-Alive} for is kept idle at most {@code lifeline.http.keepalive}
 *       (the client's default is 3 minutes), incident 4.</li>
 *   <li>{@code PoolingHttpClientConnectionManagerBuilder} and its async twin: a pooled connection
 *       idle longer than {@code lifeline.http.validateAfterIdle} is checked before reuse and
 *       replaced if the server closed it (incident 2 over HTTP; the client's default is 2 s).</li>
 * </ul>
 */
public final class BuilderTuning {

    private BuilderTuning() {
    }

    public static void clientBuilder(Object builder) {
        HttpSettings settings = HttpSettings.current();
        if (settings == null) {
            return;
        }
        try {
            StringBuilder changes = new StringBuilder();
            Class<?> type = builder.getClass();
            Field strategy = LibraryReflection.field(type, "retryStrategy");
            Field disabled = LibraryReflection.field(type, "automaticRetriesDisabled");
            if (strategy != null && disabled != null && strategy.get(builder) == null && !disabled.getBoolean(builder)) {
                disabled.setBoolean(builder, true);
                changes.append(" own retries off (Lifeline retries: lifeline.retry.*)");
            }
            Field requestConfig = LibraryReflection.field(type, "defaultRequestConfig");
            if (requestConfig != null) {
                Object config = requestConfig.get(builder);
                Object tuned = withKeepAlive(requestConfig.getType(), config, settings.keepaliveMillis());
                if (tuned != null) {
                    requestConfig.set(builder, tuned);
                    changes.append(" idle keep-alive ").append(settings.keepaliveMillis()).append("ms (lifeline.http.keepalive)");
                }
            }
            if (changes.length() > 0) {
                LifelineLog.notice("hc5-client:" + changes, "Apache HttpClient 5 clients:" + changes);
            }
        } catch (Throwable t) {
            LifelineLog.internalError("HttpClient 5 builder tuning", t);
        }
    }

    public static void poolBuilder(Object builder) {
        HttpSettings settings = HttpSettings.current();
        if (settings == null) {
            return;
        }
        try {
            Class<?> type = builder.getClass();
            Field resolver = LibraryReflection.field(type, "connectionConfigResolver");
            Method setter = setter(type);
            if (resolver == null || setter == null || resolver.get(builder) != null) {
                return; // HttpClient 5.0/5.1, or the application set its own connection config
            }
            Class<?> configType = setter.getParameterTypes()[0];
            Object configBuilder = LibraryReflection.method(configType, "custom").invoke(null);
            LibraryReflection.method(configBuilder.getClass(), "setValidateAfterInactivity", long.class, TimeUnit.class)
                    .invoke(configBuilder, settings.validateAfterIdleMillis(), TimeUnit.MILLISECONDS);
            setter.invoke(builder, LibraryReflection.method(configBuilder.getClass(), "build").invoke(configBuilder));
            LifelineLog.notice("hc5-pool", "Apache HttpClient 5 connection pools: a connection idle more than "
                    + settings.validateAfterIdleMillis() + "ms is validated before reuse (lifeline.http.validateAfterIdle)");
        } catch (Throwable t) {
            LifelineLog.internalError("HttpClient 5 pool tuning", t);
        }
    }

    private static Method setter(Class<?> type) {
        for (Method m : type.getMethods()) {
            if (m.getName().equals("setDefaultConnectionConfig") && m.getParameterCount() == 1) {
                return m;
            }
        }
        return null;
    }

    /**
     * The request config with its connection keep-alive set to ours when it is the client's default
     * (3 minutes), or null to leave it: {@code RequestConfig.copy(config)} (or {@code custom()} when
     * the application set none) with {@code setConnectionKeepAlive(TimeValue.ofMilliseconds(..))}.
     */
    static Object withKeepAlive(Class<?> configType, Object config, long keepaliveMillis) throws ReflectiveOperationException {
        Method getKeepAlive = LibraryReflection.method(configType, "getConnectionKeepAlive");
        Object defaults = LibraryReflection.field(configType, "DEFAULT").get(null);
        Object current = config == null ? getKeepAlive.invoke(defaults) : getKeepAlive.invoke(config);
        Object defaultKeepAlive = getKeepAlive.invoke(defaults);
        if (current == null || !current.equals(defaultKeepAlive)) {
            return null;
        }
        Class<?> timeValue = getKeepAlive.getReturnType();
        Object wanted = LibraryReflection.method(timeValue, "ofMilliseconds", long.class).invoke(null, keepaliveMillis);
        Object configBuilder = config == null
                ? LibraryReflection.method(configType, "custom").invoke(null)
                : LibraryReflection.method(configType, "copy", configType).invoke(null, config);
        LibraryReflection.method(configBuilder.getClass(), "setConnectionKeepAlive", timeValue).invoke(configBuilder, wanted);
        return LibraryReflection.method(configBuilder.getClass(), "build").invoke(configBuilder);
    }
}

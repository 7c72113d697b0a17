package dev.lifeline.http.apache4;

import dev.lifeline.http.HttpSettings;
import dev.lifeline.http.LibraryReflection;
import dev.lifeline.log.LifelineLog;

import java.lang.reflect.Field;

/**
 * Apache HttpClient 4.5's {@code HttpClientBuilder}, tuned as it builds (woven at the entry of
 * {@code build()}): its {@code DefaultHttpRequestRetryHandler} (3 retries of an idempotent
 * request, or of one not fully sent) is turned off where the application left it at its default,
 * since Lifeline retries each call under {@code lifeline.retry.*} and both together would multiply
 * attempts. Reached by reflection, never linked against the library.
 */
public final class BuilderTuning {

    private BuilderTuning() {
    }

    public static void clientBuilder(Object builder) {
        if (HttpSettings.current() == null) {
            return;
        }
        try {
            Class<?> type = builder.getClass();
            Field handler = LibraryReflection.field(type, "retryHandler");
            Field disabled = LibraryReflection.field(type, "automaticRetriesDisabled");
            if (handler != null && disabled != null && handler.get(builder) == null && !disabled.getBoolean(builder)) {
                disabled.setBoolean(builder, true);
                LifelineLog.notice("hc4-client", "Apache HttpClient 4 clients: own retries off (Lifeline retries: lifeline.retry.*)");
            }
        } catch (Throwable t) {
            LifelineLog.internalError("HttpClient 4 builder tuning", t);
        }
    }
}

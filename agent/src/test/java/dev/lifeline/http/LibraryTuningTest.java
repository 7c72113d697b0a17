package dev.lifeline.http;

import dev.lifeline.config.LifelineConfig;
import dev.lifeline.http.apache4.BuilderTuning;
import dev.lifeline.http.okhttp.ClientTuning;
import dev.lifeline.http.okhttp.RecoveryGuard;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The libraries' tunings, on the real builders: each changes a value only where the application
 * left the library's default, and nothing at all while Lifeline's HTTP support is off.
 */
class LibraryTuningTest {

    @BeforeEach
    void install() {
        HttpRuntime.install(LifelineConfig.defaults(), null);
    }

    @AfterEach
    void uninstall() {
        HttpRuntime.uninstall();
    }

    @Test
    void httpClient5sOwnRetriesAreTurnedOffOnlyWhereTheApplicationLeftThem() throws Exception {
        org.apache.hc.client5.http.impl.classic.HttpClientBuilder defaults = org.apache.hc.client5.http.impl.classic.HttpClientBuilder.create();
        dev.lifeline.http.apache5.BuilderTuning.clientBuilder(defaults);
        assertTrue(field(defaults, "automaticRetriesDisabled", Boolean.class));
        org.apache.hc.client5.http.config.RequestConfig config = field(defaults, "defaultRequestConfig",
                org.apache.hc.client5.http.config.RequestConfig.class);
        assertEquals(60_000, config.getConnectionKeepAlive().toMilliseconds(), "lifeline.http.keepalive's 60s");

        org.apache.hc.client5.http.impl.classic.HttpClientBuilder own = org.apache.hc.client5.http.impl.classic.HttpClientBuilder.create()
                .setRetryStrategy(new org.apache.hc.client5.http.impl.DefaultHttpRequestRetryStrategy(5,
                        org.apache.hc.core5.util.TimeValue.ofSeconds(1)))
                .setDefaultRequestConfig(org.apache.hc.client5.http.config.RequestConfig.custom()
                        .setConnectionKeepAlive(org.apache.hc.core5.util.TimeValue.ofSeconds(7)).build());
        dev.lifeline.http.apache5.BuilderTuning.clientBuilder(own);
        assertFalse(field(own, "automaticRetriesDisabled", Boolean.class), "the application's retry strategy stays");
        assertEquals(7_000, field(own, "defaultRequestConfig", org.apache.hc.client5.http.config.RequestConfig.class)
                .getConnectionKeepAlive().toMilliseconds(), "the application's keep-alive stays");
    }

    @Test
    void httpClient5sPoolValidatesAfterLifelinesIdleTimeUnlessTheApplicationSetAConfig() throws Exception {
        org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder pool =
                org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder.create();
        dev.lifeline.http.apache5.BuilderTuning.poolBuilder(pool);
        assertEquals(1_000, connectionConfig(pool).getValidateAfterInactivity().toMilliseconds(), "lifeline.http.validateAfterIdle");
        org.apache.hc.client5.http.config.ConnectionConfig own = org.apache.hc.client5.http.config.ConnectionConfig.custom()
                .setValidateAfterInactivity(9, TimeUnit.SECONDS).build();
        org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder chosen =
                org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder.create().setDefaultConnectionConfig(own);
        dev.lifeline.http.apache5.BuilderTuning.poolBuilder(chosen);
        assertEquals(9_000, connectionConfig(chosen).getValidateAfterInactivity().toMilliseconds(), "the application's stays");
    }

    @Test
    void httpClient4sRetryHandlerIsTurnedOffOnlyWhereTheApplicationLeftIt() throws Exception {
        org.apache.http.impl.client.HttpClientBuilder defaults = org.apache.http.impl.client.HttpClientBuilder.create();
        BuilderTuning.clientBuilder(defaults);
        assertTrue(field(defaults, "automaticRetriesDisabled", Boolean.class));
        org.apache.http.impl.client.HttpClientBuilder own = org.apache.http.impl.client.HttpClientBuilder.create()
                .setRetryHandler(new org.apache.http.impl.client.DefaultHttpRequestRetryHandler(1, false));
        BuilderTuning.clientBuilder(own);
        assertFalse(field(own, "automaticRetriesDisabled", Boolean.class));
    }

    @Test
    void okHttpsDefaultPoolKeepsIdleConnectionsForLifelinesKeepaliveAndAnApplicationPoolIsLeftAlone() throws Exception {
        okhttp3.OkHttpClient.Builder defaults = new okhttp3.OkHttpClient.Builder();
        ClientTuning.beforeClient(defaults);
        assertEquals(TimeUnit.SECONDS.toNanos(60), keepAliveNanos(defaults.build().connectionPool()));

        okhttp3.ConnectionPool own = new okhttp3.ConnectionPool(3, 30, TimeUnit.SECONDS);
        okhttp3.OkHttpClient.Builder chosen = new okhttp3.OkHttpClient.Builder().connectionPool(own);
        ClientTuning.beforeClient(chosen);
        assertEquals(TimeUnit.SECONDS.toNanos(30), keepAliveNanos(chosen.build().connectionPool()));

        HttpRuntime.uninstall();
        okhttp3.OkHttpClient.Builder off = new okhttp3.OkHttpClient.Builder();
        ClientTuning.beforeClient(off);
        assertEquals(TimeUnit.MINUTES.toNanos(5), keepAliveNanos(off.build().connectionPool()), "Lifeline off: nothing changes");
    }

    @Test
    void okHttpMayRecoverOnlyWhatNeverLeft() {
        okhttp3.Request post = new okhttp3.Request.Builder().url("http://127.0.0.1:1/orders")
                .post(okhttp3.RequestBody.create(new byte[]{1}, null)).build();
        IOException lostReply = new IOException("unexpected end of stream");
        assertEquals(Boolean.FALSE, RecoveryGuard.recover(new Object[]{null, lostReply, null, post, Boolean.TRUE}),
                "sent, reply lost: OkHttp does not resend it (OkHttp 4's signature)");
        assertEquals(Boolean.FALSE, RecoveryGuard.recover(new Object[]{null, lostReply, null, null, post}),
                "the same with OkHttp 5's signature");
        assertNull(RecoveryGuard.recover(new Object[]{null, lostReply, null, post, Boolean.FALSE}),
                "never sent: OkHttp's own recovery (another route, a fresh connection)");
        HttpRuntime.uninstall();
        assertNull(RecoveryGuard.recover(new Object[]{null, lostReply, null, post, Boolean.TRUE}), "Lifeline off: OkHttp decides");
    }

    @SuppressWarnings("unchecked")
    private static org.apache.hc.client5.http.config.ConnectionConfig connectionConfig(Object poolBuilder) throws Exception {
        return ((org.apache.hc.core5.function.Resolver<Object, org.apache.hc.client5.http.config.ConnectionConfig>)
                field(poolBuilder, "connectionConfigResolver", Object.class)).resolve(null);
    }

    private static long keepAliveNanos(okhttp3.ConnectionPool pool) throws Exception {
        Object delegate = field(pool, "delegate", Object.class);
        return field(delegate, "keepAliveDurationNs", Long.class);
    }

    private static <T> T field(Object target, String name, Class<T> type) throws Exception {
        Field f = LibraryReflection.field(target.getClass(), name);
        return type.cast(f.get(target));
    }
}

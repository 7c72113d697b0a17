package dev.lifeline.http;

import dev.lifeline.config.LifelineConfig;
import dev.lifeline.config.Settings;
import dev.lifeline.retry.RetryListener;
import dev.lifeline.log.LifelineLog;

import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;

/**
 * The JDK HTTP clients Lifeline instruments, and the start-up work that must precede it: the JDK
 * properties read when the client classes initialise, and the bridges (see {@link HttpBridge}).
 *
 * <p>Both target classes live in the JDK and are woven by name (see
 * {@code dev.lifeline.weave.LifelineTransformer}). Neither is loaded here: a small class of each
 * package anchors the bridge, and the targets are transformed when the application first loads
 * them (loading and retransforming {@code HttpURLConnection} at start-up cost ~250 ms); one that
 * is already loaded (a late attach) is retransformed by the installer, like every hook point.
 */
public final class HttpInstrumentation {

    static final String URL_CONNECTION = "sun.net.www.protocol.http.HttpURLConnection";
    /** Small classes of the two packages, loaded at start-up to anchor the bridges (on 11 to 25). */
    static final String FACADE_ANCHOR = "jdk.internal.net.http.HttpClientBuilderImpl";
    static final String URL_CONNECTION_ANCHOR = "sun.net.www.protocol.http.Handler";

    private final String facadeBridge;
    private final String urlConnectionBridge;

    private HttpInstrumentation(String facadeBridge, String urlConnectionBridge) {
        this.facadeBridge = facadeBridge;
        this.urlConnectionBridge = urlConnectionBridge;
    }

    /**
     * Applies the JDK property defaults, installs the {@link HttpRuntime} and defines the bridges.
     * Fail-open per client: a JDK where a bridge cannot be made keeps that client uninstrumented.
     */
    public static HttpInstrumentation prepare(LifelineConfig config, Instrumentation instrumentation,
                                              RetryListener listener) {
        JdkHttpProperties.apply(config.get(Settings.HTTP_KEEPALIVE), System.getProperties());
        HttpRuntime.install(config, listener);

        String facadeBridge = null;
        String urlConnectionBridge = null;
        // An application on the module path that does not require java.net.http cannot use it:
        // nothing to instrument, and nothing to warn about.
        if (ModuleLayer.boot().findModule("java.net.http").isPresent()) {
            try {
                // A small class of the facade's package anchors the bridge: the facade itself is
                // transformed when the application first builds a client, not loaded here.
                Class<?> anchor = Class.forName(FACADE_ANCHOR, false, ClassLoader.getPlatformClassLoader());
                MethodHandles.Lookup lookup = HttpBridge.openPackageOf(instrumentation, anchor);
                Class<?> bridge = HttpBridge.define(lookup, "send", "sendAsync");
                HttpBridge.set(bridge, "send", JavaHttpClientInterceptor.SEND);
                HttpBridge.set(bridge, "sendAsync", JavaHttpClientInterceptor.SEND_ASYNC);
                facadeBridge = internalName(bridge);
            } catch (Throwable t) {
                LifelineLog.warn("java.net.http.HttpClient is not instrumented on this JDK (" + t + ")");
            }
        }
        try {
            // Likewise a small class of HttpURLConnection's package; the class itself is transformed
            // when the application first opens an http URL.
            Class<?> anchor = Class.forName(URL_CONNECTION_ANCHOR, false, null);
            MethodHandles.Lookup lookup = HttpBridge.openPackageOf(instrumentation, anchor);
            UrlConnectionInternals.initOnFirstUse(lookup);
            Class<?> bridge = HttpBridge.define(lookup, "getInputStream", "connect");
            HttpBridge.set(bridge, "getInputStream", UrlConnectionInterceptor.GET_INPUT_STREAM);
            HttpBridge.set(bridge, "connect", UrlConnectionInterceptor.CONNECT);
            urlConnectionBridge = internalName(bridge);
        } catch (Throwable t) {
            LifelineLog.warn("HttpURLConnection is not instrumented on this JDK (" + t + ")");
        }
        return new HttpInstrumentation(facadeBridge, urlConnectionBridge);
    }

    /** Internal name of the bridge for {@code HttpClientFacade}, or null if that client is not instrumented. */
    public String facadeBridge() {
        return facadeBridge;
    }

    /** Internal name of the bridge for {@code HttpURLConnection}, or null if it is not instrumented. */
    public String urlConnectionBridge() {
        return urlConnectionBridge;
    }

    private static String internalName(Class<?> type) {
        return type.getName().replace('.', '/');
    }
}

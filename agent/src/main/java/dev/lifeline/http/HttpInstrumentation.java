package dev.lifeline.http;

import dev.lifeline.config.LifelineConfig;
import dev.lifeline.config.Settings;
import dev.lifeline.log.LifelineLog;
import dev.lifeline.retry.RetryListener;
import dev.lifeline.weave.LifelineTransformer;

import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;

/**
 * The JDK HTTP clients Lifeline instruments, and the work that must precede their weaving: the
 * JDK properties read when the client classes initialise (at start-up), and the bridges (see
 * {@link HttpBridge}), made when the transformer first meets the client class.
 *
 * <p>Both target classes live in the JDK and are woven by name (see {@link LifelineTransformer}).
 * Neither is loaded here. The transformer asks for a client's bridge while the JVM defines that
 * client's class (or, after a late attach, retransforms it), and only then is the client's
 * package opened to Lifeline and its bridge defined, beside a small class of the same package.
 * An application that never uses a JDK HTTP client pays none of it (about 45 ms of start-up on a
 * 2-core host: opening two packages, defining two classes).
 */
public final class HttpInstrumentation implements LifelineTransformer.HttpBridges {

    static final String URL_CONNECTION = "sun.net.www.protocol.http.HttpURLConnection";
    /** Small classes of the two packages, loaded to anchor the bridges (on 11 to 25). */
    static final String FACADE_ANCHOR = "jdk.internal.net.http.HttpClientBuilderImpl";
    static final String URL_CONNECTION_ANCHOR = "sun.net.www.protocol.http.Handler";

    private final Instrumentation instrumentation;
    private final OnFirstUse facade = new OnFirstUse(true);
    private final OnFirstUse urlConnection = new OnFirstUse(false);

    private HttpInstrumentation(Instrumentation instrumentation) {
        this.instrumentation = instrumentation;
    }

    /**
     * Applies the JDK property defaults and installs the {@link HttpRuntime}; the bridges are
     * made on demand, by {@link #facadeBridge()} and {@link #urlConnectionBridge()}.
     */
    public static HttpInstrumentation prepare(LifelineConfig config, Instrumentation instrumentation,
                                              RetryListener listener) {
        JdkHttpProperties.apply(config.get(Settings.HTTP_KEEPALIVE), System.getProperties());
        HttpRuntime.install(config, listener);
        return new HttpInstrumentation(instrumentation);
    }

    /**
     * Internal name of the bridge for {@code HttpClientFacade}, defined by the first call, or null
     * if that client cannot be instrumented on this JDK (said once). Fail-open.
     */
    @Override
    public String facadeBridge() {
        return facade.bridge();
    }

    /**
     * Internal name of the bridge for {@code HttpURLConnection}, defined by the first call, or null
     * if it cannot be instrumented on this JDK (said once). Fail-open.
     */
    @Override
    public String urlConnectionBridge() {
        return urlConnection.bridge();
    }

    /**
     * One client's bridge, made once. Asked for only while the JVM defines or retransforms that
     * client's class, so a plain lock is enough; one per client, so that defining one bridge never
     * waits on the other client's class loading.
     */
    private final class OnFirstUse {
        private final boolean isFacade;
        private boolean tried;
        private String internalName;

        OnFirstUse(boolean isFacade) {
            this.isFacade = isFacade;
        }

        synchronized String bridge() {
            if (!tried) {
                tried = true;
                internalName = isFacade ? defineFacadeBridge() : defineUrlConnectionBridge();
            }
            return internalName;
        }
    }

    private String defineFacadeBridge() {
        try {
            // A small class of the facade's package anchors the bridge: the facade itself is being
            // defined by the JVM while this runs.
            Class<?> anchor = Class.forName(FACADE_ANCHOR, false, ClassLoader.getPlatformClassLoader());
            MethodHandles.Lookup lookup = HttpBridge.openPackageOf(instrumentation, anchor);
            Class<?> bridge = HttpBridge.define(lookup, "send", "sendAsync");
            HttpBridge.set(bridge, "send", JavaHttpClientInterceptor.SEND);
            HttpBridge.set(bridge, "sendAsync", JavaHttpClientInterceptor.SEND_ASYNC);
            return internalName(bridge);
        } catch (Throwable t) {
            LifelineLog.warn("java.net.http.HttpClient is not instrumented on this JDK (" + t + ")");
            return null;
        }
    }

    private String defineUrlConnectionBridge() {
        try {
            // Likewise a small class of HttpURLConnection's package (the http URL handler, loaded
            // before any http connection is made).
            Class<?> anchor = Class.forName(URL_CONNECTION_ANCHOR, false, null);
            MethodHandles.Lookup lookup = HttpBridge.openPackageOf(instrumentation, anchor);
            UrlConnectionInternals.initOnFirstUse(lookup);
            Class<?> bridge = HttpBridge.define(lookup, "getInputStream", "connect");
            HttpBridge.set(bridge, "getInputStream", UrlConnectionInterceptor.GET_INPUT_STREAM);
            HttpBridge.set(bridge, "connect", UrlConnectionInterceptor.CONNECT);
            return internalName(bridge);
        } catch (Throwable t) {
            LifelineLog.warn("HttpURLConnection is not instrumented on this JDK (" + t + ")");
            return null;
        }
    }

    private static String internalName(Class<?> type) {
        return type.getName().replace('.', '/');
    }
}

package dev.lifeline.http;

import dev.lifeline.config.LifelineConfig;
import dev.lifeline.config.Settings;
import dev.lifeline.retry.RetryListener;
import dev.lifeline.log.LifelineLog;

import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The JDK HTTP clients Lifeline instruments, and the start-up work that must precede it: the JDK
 * properties read when the client classes initialise, and the bridges (see {@link HttpBridge}).
 *
 * <p>Both target classes live in the JDK and are woven by name (see
 * {@code dev.lifeline.weave.LifelineTransformer}). Neither is loaded here: a small class of each
 * package anchors the bridge, and the targets are transformed when the application first loads
 * them (loading and retransforming {@code HttpURLConnection} at start-up cost ~250 ms); only one
 * that is already loaded (a late attach) is retransformed.
 */
public final class HttpInstrumentation {

    public static final String FACADE = "jdk.internal.net.http.HttpClientFacade";
    public static final String URL_CONNECTION = "sun.net.www.protocol.http.HttpURLConnection";
    /** Small classes of the two packages, loaded at start-up to anchor the bridges (on 11 to 25). */
    static final String FACADE_ANCHOR = "jdk.internal.net.http.HttpClientBuilderImpl";
    static final String URL_CONNECTION_ANCHOR = "sun.net.www.protocol.http.Handler";

    private final List<Class<?>> targets;
    private final String facadeBridge;
    private final String urlConnectionBridge;

    private HttpInstrumentation(List<Class<?>> targets, String facadeBridge, String urlConnectionBridge) {
        this.targets = targets;
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

        List<Class<?>> targets = new ArrayList<>(2);
        String facadeBridge = null;
        String urlConnectionBridge = null;
        // An application on the module path that does not require java.net.http cannot use it:
        // nothing to instrument, and nothing to warn about.
        boolean httpClientResolved = ModuleLayer.boot().findModule("java.net.http").isPresent();
        try {
            if (!httpClientResolved) {
                throw new ClassNotFoundException("not resolved");
            }
            // A small class of the facade's package anchors the bridge: the facade itself is
            // transformed when the application first builds a client, not loaded here.
            Class<?> anchor = Class.forName(FACADE_ANCHOR, false, ClassLoader.getPlatformClassLoader());
            MethodHandles.Lookup lookup = HttpBridge.openPackageOf(instrumentation, anchor);
            Class<?> bridge = HttpBridge.define(lookup, "send", "sendAsync");
            HttpBridge.set(bridge, "send", JavaHttpClientInterceptor.SEND);
            HttpBridge.set(bridge, "sendAsync", JavaHttpClientInterceptor.SEND_ASYNC);
            facadeBridge = internalName(bridge);
        } catch (Throwable t) {
            if (httpClientResolved) {
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
        // Only a client class that is already loaded (attached late, or loaded by someone before
        // premain) needs retransforming; the usual case transforms both as they load, for free.
        for (Class<?> loaded : instrumentation.getAllLoadedClasses()) {
            String name = loaded.getName();
            if ((facadeBridge != null && name.equals(FACADE)) || (urlConnectionBridge != null && name.equals(URL_CONNECTION))) {
                targets.add(loaded);
            }
        }
        return new HttpInstrumentation(Collections.unmodifiableList(targets), facadeBridge, urlConnectionBridge);
    }

    /** The loaded JDK classes to retransform (already loaded: Lifeline loaded them to bridge them). */
    public List<Class<?>> targets() {
        return targets;
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

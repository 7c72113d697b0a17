package dev.lifeline.http;

import dev.lifeline.config.LifelineConfig;
import dev.lifeline.config.Settings;
import dev.lifeline.retry.RetryListener;
import dev.lifeline.log.LifelineLog;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.field.FieldDescription;

import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * The JDK HTTP clients Lifeline instruments, and the start-up work that must precede it: the JDK
 * properties read when the client classes initialise, and the bridges (see {@link HttpBridge}).
 *
 * <p>Both target classes live in the JDK, so Byte Buddy's ignore rules need an exception for
 * them ({@link #FACADE}, {@link #URL_CONNECTION}). Neither is loaded here: a small class of each
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
    private final FieldDescription send;
    private final FieldDescription sendAsync;
    private final FieldDescription getInputStream;
    private final FieldDescription connect;

    private HttpInstrumentation(List<Class<?>> targets, FieldDescription send, FieldDescription sendAsync,
                                FieldDescription getInputStream, FieldDescription connect) {
        this.targets = targets;
        this.send = send;
        this.sendAsync = sendAsync;
        this.getInputStream = getInputStream;
        this.connect = connect;
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
        FieldDescription send = null;
        FieldDescription sendAsync = null;
        FieldDescription getInputStream = null;
        FieldDescription connect = null;
        try {
            // A small class of the facade's package anchors the bridge: the facade itself is
            // transformed when the application first builds a client, not loaded here.
            Class<?> anchor = Class.forName(FACADE_ANCHOR, false, ClassLoader.getPlatformClassLoader());
            MethodHandles.Lookup lookup = HttpBridge.openPackageOf(instrumentation, anchor);
            Class<?> bridge = HttpBridge.define(lookup, "send", "sendAsync");
            HttpBridge.set(bridge, "send", JavaHttpClientInterceptor.SEND);
            HttpBridge.set(bridge, "sendAsync", JavaHttpClientInterceptor.SEND_ASYNC);
            send = new FieldDescription.ForLoadedField(HttpBridge.field(bridge, "send"));
            sendAsync = new FieldDescription.ForLoadedField(HttpBridge.field(bridge, "sendAsync"));
        } catch (Throwable t) {
            LifelineLog.warn("java.net.http.HttpClient is not instrumented on this JDK (" + t + ")");
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
            getInputStream = new FieldDescription.ForLoadedField(HttpBridge.field(bridge, "getInputStream"));
            connect = new FieldDescription.ForLoadedField(HttpBridge.field(bridge, "connect"));
        } catch (Throwable t) {
            LifelineLog.warn("HttpURLConnection is not instrumented on this JDK (" + t + ")");
        }
        // Only a client class that is already loaded (attached late, or loaded by someone before
        // premain) needs retransforming; the usual case transforms both as they load, for free.
        for (Class<?> loaded : instrumentation.getAllLoadedClasses()) {
            String name = loaded.getName();
            if ((send != null && name.equals(FACADE)) || (getInputStream != null && name.equals(URL_CONNECTION))) {
                targets.add(loaded);
            }
        }
        return new HttpInstrumentation(Collections.unmodifiableList(targets), send, sendAsync, getInputStream, connect);
    }

    /** The loaded JDK classes to retransform (already loaded: Lifeline loaded them to bridge them). */
    public List<Class<?>> targets() {
        return targets;
    }

    public AgentBuilder apply(AgentBuilder builder) {
        ClassLoader agentLoader = HttpInstrumentation.class.getClassLoader();
        if (send != null) {
            builder = builder.type(named(FACADE))
                    .transform(new AgentBuilder.Transformer.ForAdvice(Advice.withCustomMapping()
                            .bind(HttpBridge.Send.class, send)
                            .bind(HttpBridge.SendAsync.class, sendAsync))
                            .include(agentLoader)
                            .advice(named("send").and(takesArguments(2)), JavaHttpClientAdvice.Send.class.getName())
                            .advice(named("sendAsync").and(takesArguments(2)), JavaHttpClientAdvice.SendAsync.class.getName()));
        }
        if (getInputStream != null) {
            builder = builder.type(named(URL_CONNECTION))
                    .transform(new AgentBuilder.Transformer.ForAdvice(Advice.withCustomMapping()
                            .bind(HttpBridge.GetInputStream.class, getInputStream))
                            .include(agentLoader)
                            .advice(named("getInputStream").and(takesArguments(0)), UrlConnectionAdvice.class.getName()))
                    .transform(new AgentBuilder.Transformer.ForAdvice(Advice.withCustomMapping()
                            .bind(HttpBridge.Connect.class, connect))
                            .include(agentLoader)
                            .advice(named("connect").and(takesArguments(0)), UrlConnectionConnectAdvice.class.getName()));
        }
        return builder;
    }
}

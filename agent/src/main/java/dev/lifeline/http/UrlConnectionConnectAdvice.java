package dev.lifeline.http;

import net.bytebuddy.asm.Advice;

import java.util.function.Function;

/**
 * Inlined into {@code sun.net.www.protocol.http.HttpURLConnection.connect()}, which
 * {@code getOutputStream()} calls before a body is written: a refused connect there is retried
 * for any method, POST included, because the request provably never left.
 */
public final class UrlConnectionConnectAdvice {

    private UrlConnectionConnectAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    public static Object enter(@Advice.This Object connection,
                               @HttpBridge.Connect Function<Object[], Object> bridge) {
        return bridge == null ? null : bridge.apply(new Object[]{connection});
    }
}

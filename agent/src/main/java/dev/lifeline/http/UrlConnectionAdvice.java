package dev.lifeline.http;

import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

import java.util.function.Function;

/**
 * Inlined into {@code sun.net.www.protocol.http.HttpURLConnection.getInputStream()} (and so into
 * HTTPS connections, whose delegate extends it): hands over through the bridge, nothing more.
 */
public final class UrlConnectionAdvice {

    private UrlConnectionAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    public static Object enter(@Advice.This Object connection,
                               @HttpBridge.GetInputStream Function<Object[], Object> bridge) {
        return bridge == null ? null : bridge.apply(new Object[]{connection});
    }

    @Advice.OnMethodExit
    public static void exit(@Advice.Enter Object handled,
                            @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object result) {
        if (handled != null) {
            result = handled;
        }
    }
}

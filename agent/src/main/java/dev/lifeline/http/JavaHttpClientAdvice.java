package dev.lifeline.http;

import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

import java.util.function.Function;

/**
 * Inlined into {@code jdk.internal.net.http.HttpClientFacade}: hands over through the bridge,
 * nothing more. Only JDK types appear here; the {@code @HttpBridge.*} parameters read the bridge
 * class's static fields (bound in {@link HttpInstrumentation}).
 */
public final class JavaHttpClientAdvice {

    private JavaHttpClientAdvice() {
    }

    /** {@code send(HttpRequest, BodyHandler)}. */
    public static final class Send {
        private Send() {
        }

        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        public static Object enter(@Advice.This Object client,
                                   @Advice.Argument(0) Object request,
                                   @Advice.Argument(1) Object handler,
                                   @HttpBridge.Send Function<Object[], Object> bridge) {
            return bridge == null ? null : bridge.apply(new Object[]{client, request, handler});
        }

        @Advice.OnMethodExit
        public static void exit(@Advice.Enter Object handled,
                                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object result) {
            if (handled != null) {
                result = handled;
            }
        }
    }

    /** {@code sendAsync(HttpRequest, BodyHandler)}; the push-promise overload is not touched. */
    public static final class SendAsync {
        private SendAsync() {
        }

        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        public static Object enter(@Advice.This Object client,
                                   @Advice.Argument(0) Object request,
                                   @Advice.Argument(1) Object handler,
                                   @HttpBridge.SendAsync Function<Object[], Object> bridge) {
            return bridge == null ? null : bridge.apply(new Object[]{client, request, handler});
        }

        @Advice.OnMethodExit
        public static void exit(@Advice.Enter Object handled,
                                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object result) {
            if (handled != null) {
                result = handled;
            }
        }
    }
}

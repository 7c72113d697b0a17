package dev.lifeline.http.okhttp;

import dev.lifeline.http.LibraryCall;
import dev.lifeline.http.LibraryReflection;
import dev.lifeline.log.LifelineLog;

import java.lang.reflect.Method;

/**
 * OkHttp's {@code RetryAndFollowUpInterceptor.recover(..)}: whether OkHttp sends a request again
 * after an I/O failure. With {@code retryOnConnectionFailure} (on by default) it does so whatever
 * the method, also when the request was sent and only the response was lost: a POST the server
 * acted on is then acted on twice (square/okhttp#2394).
 *
 * <p>With Lifeline, a failure after the request may have left is no longer recovered by OkHttp:
 * Lifeline decides instead, by its contract, and counts the resend as one of its attempts (an
 * idempotent or keyed request is retried with backoff under {@code lifeline.retry.*}; a POST or
 * PATCH without an Idempotency-Key is not resent). A failure before anything was sent (OkHttp's
 * {@code ConnectionShutdownException}, a route that could not connect) stays OkHttp's to
 * recover: nothing can be doubled there. WebSocket upgrades stay OkHttp's entirely.
 */
public final class RecoveryGuard {

    private static final ClassValue<Method> REQUEST_HEADER = new ClassValue<Method>() {
        @Override
        protected Method computeValue(Class<?> request) {
            return LibraryReflection.optionalMethod(request, "header", String.class);
        }
    };

    private RecoveryGuard() {
    }

    /**
     * args, OkHttp 4: interceptor, IOException, call, request, requestSendStarted; OkHttp 5:
     * interceptor, IOException, call, chain, request. {@code Boolean.FALSE}: do not recover;
     * {@code null}: OkHttp decides as without the agent.
     */
    public static Object recover(Object[] args) {
        if (!LibraryCall.active()) {
            return null;
        }
        try {
            boolean sendStarted = args[4] instanceof Boolean
                    ? (Boolean) args[4]
                    : !LibraryReflection.isA(args[1], "ConnectionShutdownException");
            if (!sendStarted) {
                return null;
            }
            Object request = args[4] instanceof Boolean ? args[3] : args[4];
            Method header = request == null ? null : REQUEST_HEADER.get(request.getClass());
            if (header != null && LibraryReflection.call(header, request, "Upgrade") != null) {
                return null;
            }
            return Boolean.FALSE;
        } catch (RuntimeException e) {
            LifelineLog.internalError("OkHttp recovery guard", e);
            return null;
        }
    }
}

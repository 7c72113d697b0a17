package dev.lifeline.http;

import dev.lifeline.log.LifelineLog;
import dev.lifeline.retry.FailureClassifier;
import dev.lifeline.retry.Sleeper;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.function.Function;

/**
 * {@code HttpURLConnection.getInputStream()} — where the JDK sends the request and reads the
 * response head; {@code getResponseCode()}, {@code getHeaderField(..)} and friends all go through
 * it. Reached from the advice through the bridge; {@code null} means "run the JDK's own body".
 *
 * <p>Waiting between attempts happens in this outer call, before the JDK's method takes its
 * per-connection lock (17.0.15 and 25 use a {@code ReentrantLock}, not {@code synchronized}); only
 * when the application itself entered through {@code getHeaderField}, which holds that lock, does
 * the wait run under it — a lock of that one connection object, which no other thread uses.
 *
 * <p>The JDK resends a request once by itself when the response head is missing, POST included
 * ({@code sun.net.http.retryPost}); Lifeline turns the POST case off at start-up (see
 * {@link HttpInstrumentation}) because a resent POST may act twice. That hidden resend of an
 * idempotent request happens inside one of Lifeline's attempts and is not counted in it.
 */
final class UrlConnectionInterceptor {

    /** args: the connection. */
    static final Function<Object[], Object> GET_INPUT_STREAM = UrlConnectionInterceptor::getInputStream;

    /** args: the connection. */
    static final Function<Object[], Object> CONNECT = UrlConnectionInterceptor::connect;

    private UrlConnectionInterceptor() {
    }

    /**
     * {@code connect()} called by the application or by {@code getOutputStream()}: a refused
     * connect is retried with backoff, whatever the method, since nothing was sent. Inside
     * {@code getInputStream} (depth > 0) it runs unchanged: that call retries on its own terms.
     * {@code null} means "run the JDK's own body"; anything else means "connected".
     */
    static Object connect(Object[] args) {
        HttpThreadState state = HttpThreadState.current();
        if (state.depth > 0) {
            return null;
        }
        HttpRuntime runtime = HttpRuntime.get();
        if (runtime == null || !(args[0] instanceof HttpURLConnection)) {
            return null;
        }
        HttpURLConnection connection = (HttpURLConnection) args[0];
        HttpTarget target;
        try {
            URL url = connection.getURL();
            String host = url.getHost();
            if (host == null || host.isEmpty()) {
                return null;
            }
            target = runtime.target(host, url.getPort() >= 0 ? url.getPort() : url.getDefaultPort());
        } catch (RuntimeException e) {
            LifelineLog.internalError("HttpURLConnection.connect", e);
            return null;
        }
        try {
            return runtime.retrier.call(target.name, target.budget, HttpFailures::neverSent, attempt -> {
                state.depth++;
                try {
                    connection.connect();
                    return Boolean.TRUE;
                } finally {
                    state.depth--;
                }
            });
        } catch (Throwable t) {
            throw Sneaky.raise(t);
        }
    }

    static Object getInputStream(Object[] args) {
        HttpThreadState state = HttpThreadState.current();
        if (state.depth > 0) {
            return null;
        }
        HttpRuntime runtime = HttpRuntime.get();
        UrlConnectionInternals internals = UrlConnectionInternals.get();
        if (runtime == null || internals == null || !(args[0] instanceof HttpURLConnection)) {
            return null;
        }
        HttpURLConnection connection = (HttpURLConnection) args[0];
        HttpTarget target;
        RetryRules.Scope scope;
        try {
            if (internals.hasOutcome(connection)) {
                return null; // a later read of the outcome: the JDK answers from memory
            }
            URL url = connection.getURL();
            String host = url.getHost();
            if (host == null || host.isEmpty()) {
                return null;
            }
            target = runtime.target(host, url.getPort() >= 0 ? url.getPort() : url.getDefaultPort());
            scope = RetryRules.scope(connection.getRequestMethod(), hasIdempotencyKey(connection),
                    !internals.streaming(connection));
        } catch (Throwable e) {
            LifelineLog.internalError("HttpURLConnection.getInputStream", e);
            return null;
        }
        try {
            return run(runtime, internals, connection, target, scope, state);
        } catch (Throwable t) {
            throw Sneaky.raise(t);
        }
    }

    private static Object run(HttpRuntime runtime, UrlConnectionInternals internals, HttpURLConnection connection,
                              HttpTarget target, RetryRules.Scope scope, HttpThreadState state) throws Exception {
        long start = System.nanoTime();
        RetryableStatus[] pending = new RetryableStatus[1];
        FailureClassifier classifier = failure -> failure instanceof RetryableStatus
                ? ((RetryableStatus) failure).fitsDeadline(start, runtime.deadlineNanos)
                : RetryRules.retriesFailure(scope, failure);
        try {
            return runtime.retrier.call(target.name, target.budget, classifier, attempt -> {
                if (attempt > 1) {
                    try {
                        internals.resetForRetry(connection);
                    } catch (Throwable internal) {
                        LifelineLog.internalError("HttpURLConnection reset", internal);
                        throw new IllegalStateException("lifeline could not reset the connection", internal);
                    }
                    RetryableStatus previous = pending[0];
                    if (previous != null) {
                        pending[0] = null;
                        Sleeper.PARKING.sleepNanos(previous.notBeforeNanos() - System.nanoTime());
                    }
                }
                target.acquire(runtime.acquireTimeoutNanos);
                state.depth++;
                try {
                    return connection.getInputStream();
                } catch (IOException e) {
                    int status = statusOf(connection);
                    if (runtime.rules.retriesStatus(scope, status)) {
                        long retryAfter = RetryAfter.parseNanos(connection.getHeaderField("Retry-After"),
                                System.currentTimeMillis());
                        pending[0] = new RetryableStatus(e, status, retryAfter, System.nanoTime());
                        throw pending[0];
                    }
                    throw e;
                } finally {
                    state.depth--;
                    target.release();
                }
            });
        } catch (RetryableStatus lastRealResponse) {
            // The connection holds that response (getResponseCode, getErrorStream); the caller of
            // getInputStream gets the exception the JDK threw for it.
            throw (IOException) lastRealResponse.response;
        }
    }

    /** The status of the response the failed attempt got, or -1 if none arrived. */
    private static int statusOf(HttpURLConnection connection) {
        try {
            return connection.getResponseCode();
        } catch (IOException | RuntimeException noResponse) {
            return -1;
        }
    }

    private static boolean hasIdempotencyKey(HttpURLConnection connection) {
        try {
            return connection.getRequestProperty(RetryRules.IDEMPOTENCY_KEY) != null;
        } catch (IllegalStateException alreadyConnected) {
            return false;
        }
    }
}

package dev.lifeline.http;

import dev.lifeline.log.LifelineLog;
import dev.lifeline.retry.FailureClassifier;
import dev.lifeline.retry.Sleeper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * {@code java.net.http.HttpClient.send} and the two-argument {@code sendAsync}, as reached from the
 * advice in {@code HttpClientFacade} through the bridge: {@code null} means "run the JDK's own
 * body" (not ours to act on, or Lifeline's own re-invocation), anything else is the result.
 *
 * <p>The facade, not {@code HttpClientImpl}, is instrumented: the facade's methods call the
 * implementation's directly, so acting on both would multiply attempts. The three-argument
 * {@code sendAsync} (HTTP/2 push promises) is left alone.
 */
final class JavaHttpClientInterceptor {

    /** args: client, request, body handler. */
    static final Function<Object[], Object> SEND = JavaHttpClientInterceptor::send;
    /** args: client, request, body handler. */
    static final Function<Object[], Object> SEND_ASYNC = JavaHttpClientInterceptor::sendAsync;

    private JavaHttpClientInterceptor() {
    }

    static Object send(Object[] args) {
        HttpThreadState state = HttpThreadState.current();
        Call call = callToActOn(state, args, "HttpClient.send");
        if (call == null) {
            return null;
        }
        try {
            return call.runBlocking(state);
        } catch (Throwable t) {
            throw Sneaky.raise(t);
        }
    }

    static Object sendAsync(Object[] args) {
        Call call = callToActOn(HttpThreadState.current(), args, "HttpClient.sendAsync");
        if (call == null) {
            return null;
        }
        return new AsyncCall<>(call.runtime, call.target, call.scope, call.client, call.request, call.handler).start();
    }

    /**
     * The call Lifeline acts on, or {@code null} for "run the JDK's own body": Lifeline's own
     * re-invocation, Lifeline off, a request it cannot name a target for, or its own error
     * (fail-open, reported once per {@code site}).
     */
    private static Call callToActOn(HttpThreadState state, Object[] args, String site) {
        if (state.depth > 0) {
            return null;
        }
        HttpRuntime runtime = HttpRuntime.get();
        if (runtime == null) {
            return null;
        }
        try {
            return Call.of(runtime, args);
        } catch (RuntimeException e) {
            LifelineLog.internalError(site, e);
            return null;
        }
    }

    /** One application call: what it is sent to and what may be retried. */
    static final class Call {
        final HttpRuntime runtime;
        final HttpClient client;
        final HttpRequest request;
        @SuppressWarnings("rawtypes")
        final HttpResponse.BodyHandler handler;
        final HttpTarget target;
        final RetryRules.Scope scope;

        private Call(HttpRuntime runtime, HttpClient client, HttpRequest request,
                     HttpResponse.BodyHandler<?> handler, HttpTarget target, RetryRules.Scope scope) {
            this.runtime = runtime;
            this.client = client;
            this.request = request;
            this.handler = handler;
            this.target = target;
            this.scope = scope;
        }

        /** @return null when the request is not one Lifeline can name a target for (the JDK will reject it) */
        static Call of(HttpRuntime runtime, Object[] args) {
            if (!(args[0] instanceof HttpClient) || !(args[1] instanceof HttpRequest)
                    || !(args[2] instanceof HttpResponse.BodyHandler)) {
                return null;
            }
            HttpRequest request = (HttpRequest) args[1];
            URI uri = request.uri();
            String host = uri == null ? null : uri.getHost();
            if (host == null) {
                return null;
            }
            HttpTarget target = runtime.target(host, HttpRuntime.effectivePort(uri.getScheme(), uri.getPort()));
            boolean keyed = request.headers().firstValue(RetryRules.IDEMPOTENCY_KEY).isPresent();
            RetryRules.Scope scope = RetryRules.scope(request.method(), keyed, replayable(request));
            return new Call(runtime, (HttpClient) args[0], request, (HttpResponse.BodyHandler<?>) args[2], target, scope);
        }

        @SuppressWarnings("unchecked")
        Object runBlocking(HttpThreadState state) throws Exception {
            long start = System.nanoTime();
            RetryableStatus[] pending = new RetryableStatus[1];
            FailureClassifier classifier = failure -> failure instanceof RetryableStatus
                    ? ((RetryableStatus) failure).fitsDeadline(start, runtime.deadlineNanos)
                    : RetryRules.retriesFailure(scope, failure);
            target.checkBreaker();
            boolean reported = false;
            try {
                Object result = runtime.retrier.call(target.name, target.budget, classifier, attempt -> {
                    RetryableStatus previous = pending[0];
                    if (previous != null) {
                        pending[0] = null;
                        ResponseBodies.discard((HttpResponse<?>) previous.response);
                        Sleeper.PARKING.sleepNanos(previous.notBeforeNanos() - System.nanoTime());
                    }
                    target.acquire(runtime.acquireTimeoutNanos);
                    HttpResponse<?> response;
                    state.depth++;
                    try {
                        response = client.send(request, handler);
                    } finally {
                        state.depth--;
                        target.release();
                    }
                    int status = response.statusCode();
                    if (runtime.rules.retriesStatus(scope, status)) {
                        pending[0] = new RetryableStatus(response, status, retryAfterNanos(response), System.nanoTime());
                        throw pending[0];
                    }
                    return response;
                });
                int status = ((HttpResponse<?>) result).statusCode();
                target.reportOutcome(null, status, runtime.rules.retriesStatus(RetryRules.Scope.ANY_FAILURE, status));
                reported = true;
                return result;
            } catch (RetryableStatus lastRealResponse) {
                target.reportOutcome(null, lastRealResponse.status, true);
                reported = true;
                return lastRealResponse.response;
            } catch (Exception e) {
                target.reportOutcome(e, 0, false);
                reported = true;
                throw e;
            } finally {
                if (!reported) {
                    target.reportOutcome(null, 0, false);
                }
            }
        }
    }

    static long retryAfterNanos(HttpResponse<?> response) {
        Optional<String> header = response.headers().firstValue("Retry-After");
        return header.isPresent() ? RetryAfter.parseNanos(header.get(), System.currentTimeMillis()) : RetryAfter.ABSENT;
    }

    /**
     * Whether the body publisher can be subscribed to again: the JDK's own byte-array, string,
     * file and empty publishers can; an input-stream supplier, an iterable or an application's
     * publisher may not, so such requests are never sent twice.
     */
    static boolean replayable(HttpRequest request) {
        Optional<HttpRequest.BodyPublisher> publisher = request.bodyPublisher();
        if (!publisher.isPresent()) {
            return true;
        }
        String name = publisher.get().getClass().getName();
        return name.equals("jdk.internal.net.http.RequestPublishers$ByteArrayPublisher")
                || name.equals("jdk.internal.net.http.RequestPublishers$StringPublisher")
                || name.equals("jdk.internal.net.http.RequestPublishers$EmptyPublisher")
                || name.equals("jdk.internal.net.http.RequestPublishers$FilePublisher");
    }
}

package dev.lifeline.http;

import dev.lifeline.log.LifelineLog;

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
            return call.library.runBlocking(call);
        } catch (Throwable t) {
            throw Sneaky.raise(t);
        }
    }

    static Object sendAsync(Object[] args) {
        Call call = callToActOn(HttpThreadState.current(), args, "HttpClient.sendAsync");
        if (call == null) {
            return null;
        }
        return call.library.runAsync(call.async());
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
    static final class Call implements LibraryCall.Exchange<HttpResponse<?>> {
        final LibraryCall library;
        final HttpClient client;
        final HttpRequest request;
        @SuppressWarnings("rawtypes")
        final HttpResponse.BodyHandler handler;

        private Call(LibraryCall library, HttpClient client, HttpRequest request, HttpResponse.BodyHandler<?> handler) {
            this.library = library;
            this.client = client;
            this.request = request;
            this.handler = handler;
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
            boolean keyed = request.headers().firstValue(RetryRules.IDEMPOTENCY_KEY).isPresent();
            LibraryCall library = LibraryCall.of(uri == null ? null : uri.getScheme(), host, uri == null ? -1 : uri.getPort(),
                    request.method(), keyed, replayable(request));
            return library == null ? null
                    : new Call(library, (HttpClient) args[0], request, (HttpResponse.BodyHandler<?>) args[2]);
        }

        @SuppressWarnings("unchecked")
        @Override
        public HttpResponse<?> send() throws Exception {
            return client.send(request, handler);
        }

        @Override
        public int status(HttpResponse<?> response) {
            return response.statusCode();
        }

        @Override
        public String header(HttpResponse<?> response, String name) {
            return response.headers().firstValue(name).orElse(null);
        }

        @Override
        public void discard(HttpResponse<?> response) {
            ResponseBodies.discard(response);
        }

        /** The same call through {@code sendAsync}. */
        LibraryCall.AsyncExchange<HttpResponse<?>> async() {
            Call blocking = this;
            return new LibraryCall.AsyncExchange<HttpResponse<?>>() {
                @SuppressWarnings("unchecked")
                @Override
                public CompletableFuture<HttpResponse<?>> send() {
                    return (CompletableFuture<HttpResponse<?>>) (CompletableFuture<?>) client.sendAsync(request, handler);
                }

                @Override
                public int status(HttpResponse<?> response) {
                    return blocking.status(response);
                }

                @Override
                public String header(HttpResponse<?> response, String name) {
                    return blocking.header(response, name);
                }

                @Override
                public void discard(HttpResponse<?> response) {
                    blocking.discard(response);
                }
            };
        }
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

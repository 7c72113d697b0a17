package dev.lifeline.http.apache5;

import dev.lifeline.http.LibraryApis;
import dev.lifeline.http.LibraryCall;
import dev.lifeline.http.LibraryReflection;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Future;

/**
 * Apache HttpClient 5, async: {@code doExecute(HttpHost, AsyncRequestProducer,
 * AsyncResponseConsumer, HandlerFactory, HttpContext, FutureCallback)}, where every
 * {@code execute} of {@code CloseableHttpAsyncClient} ends (HTTP/1.1 and HTTP/2, internal and
 * minimal clients). The application gets Lifeline's future, completed once the last attempt is
 * done, and its callback is called then; each attempt is a {@code doExecute} of its own with a
 * callback of Lifeline's, started on the caller's thread or on Lifeline's scheduler: no thread
 * waits for a retry.
 *
 * <p>Lifeline acts only where it can read the request and send it again: a producer holding its
 * request (HttpClient's {@code BasicRequestProducer}, which {@code SimpleRequestProducer} and the
 * request builders use) that says it is repeatable. The producer is reset between attempts, as
 * the client's own retry does; the status is read from the consumer's result when it is a
 * response or a {@code Message} (the simple and basic consumers).
 */
public final class AsyncClientInterceptor {

    private static final LibraryApis<Api> APIS = new LibraryApis<>("HttpClient 5 async", Api::new);
    private static final LibraryApis.RequestReader<Api> REQUEST = (api, args) -> api.call(args[1], args[2]);

    /** The request a producer holds: its field of that name, or null for producers Lifeline cannot read. */
    private static final ClassValue<Field> REQUEST_FIELD = new ClassValue<Field>() {
        @Override
        protected Field computeValue(Class<?> producer) {
            return LibraryReflection.field(producer, "request");
        }
    };

    private AsyncClientInterceptor() {
    }

    /** args: the client, target (may be null), producer, consumer, push handler factory, context, callback (may be null). */
    public static Object doExecute(Object[] args) {
        Object client = args[0];
        Api api = APIS.forCall(client);
        LibraryCall call = api == null ? null : APIS.call("HttpClient 5 async execute", api, args, REQUEST);
        if (call == null) {
            return null;
        }
        Object producer = args[2];
        Object callback = args[6];
        CompletableFuture<Object> result = call.runAsync(new LibraryCall.AsyncExchange<Object>() {
            private boolean first = true;

            @Override
            public CompletableFuture<Object> send() {
                if (!first) {
                    LibraryReflection.call(api.releaseResources, producer); // ready to produce the request again
                }
                first = false;
                CompletableFuture<Object> attempt = new CompletableFuture<>();
                Object attemptCallback = api.callbackCompleting(attempt);
                Future<?> inFlight = (Future<?>) LibraryReflection.call(api.doExecute, client,
                        args[1], producer, args[3], args[4], args[5], attemptCallback);
                attempt.whenComplete((r, failure) -> {
                    if (failure instanceof CancellationException) {
                        inFlight.cancel(true);
                    }
                });
                return attempt;
            }

            @Override
            public int status(Object response) {
                return api.status(response);
            }

            @Override
            public String header(Object response, String name) {
                return api.header(response, name);
            }

            @Override
            public void discard(Object response) {
                LibraryApis.discard(response);
            }
        });
        if (callback != null) {
            result.whenComplete((response, failure) -> api.notify(callback, response, failure));
        }
        return result;
    }

    /** The methods Lifeline calls, found once per client class from its own doExecute's types. */
    static final class Api {
        final Method doExecute;
        final Method isRepeatable;
        final Method releaseResources;
        final Class<?> callbackType;
        final Method completed;
        final Method failed;
        final Method cancelled;
        private final ClassValue<Method[]> statusMethods = new ClassValue<Method[]>() {
            @Override
            protected Method[] computeValue(Class<?> result) {
                Method code = LibraryReflection.optionalMethod(result, "getCode");
                Method head = code == null ? LibraryReflection.optionalMethod(result, "getHead") : null;
                return new Method[]{code, head};
            }
        };

        final Method hostName;
        final Method port;
        final Method schemeName;
        /** getUri, getMethod, containsHeader of the request type a producer class declares. */
        private final ClassValue<Method[]> requestMethods = new ClassValue<Method[]>() {
            @Override
            protected Method[] computeValue(Class<?> type) {
                try {
                    return new Method[]{LibraryReflection.method(type, "getUri"), LibraryReflection.method(type, "getMethod"),
                            LibraryReflection.method(type, "containsHeader", String.class)};
                } catch (NoSuchMethodException e) {
                    return null;
                }
            }
        };

        Api(Class<?> client) throws ReflectiveOperationException {
            doExecute = LibraryReflection.declared(client, "doExecute", 6);
            Class<?>[] types = doExecute.getParameterTypes();
            hostName = LibraryReflection.method(types[0], "getHostName");
            port = LibraryReflection.method(types[0], "getPort");
            schemeName = LibraryReflection.method(types[0], "getSchemeName");
            isRepeatable = LibraryReflection.method(types[1], "isRepeatable");
            releaseResources = LibraryReflection.method(types[1], "releaseResources");
            callbackType = types[5];
            completed = LibraryReflection.method(callbackType, "completed", Object.class);
            failed = LibraryReflection.method(callbackType, "failed", Exception.class);
            cancelled = LibraryReflection.method(callbackType, "cancelled");
        }

        /** null when the producer's request cannot be read, or is not repeatable and so never retried anyway. */
        LibraryCall call(Object target, Object producer) throws ReflectiveOperationException {
            Field field = REQUEST_FIELD.get(producer.getClass());
            Object request = field == null ? null : field.get(producer);
            if (request == null) {
                return null;
            }
            Method[] m = requestMethods.get(field.getType());
            if (m == null) {
                return null;
            }
            String scheme;
            String host;
            int p;
            if (target != null) {
                scheme = (String) LibraryReflection.call(schemeName, target);
                host = (String) LibraryReflection.call(hostName, target);
                p = (Integer) LibraryReflection.call(port, target);
            } else {
                URI uri = (URI) LibraryReflection.call(m[0], request);
                scheme = uri.getScheme();
                host = uri.getHost();
                p = uri.getPort();
            }
            String method = (String) LibraryReflection.call(m[1], request);
            boolean keyed = (Boolean) LibraryReflection.call(m[2], request, LibraryCall.IDEMPOTENCY_KEY);
            boolean repeatable = (Boolean) LibraryReflection.call(isRepeatable, producer);
            return LibraryCall.of(scheme, host, p, method, keyed, repeatable);
        }

        Object callbackCompleting(CompletableFuture<Object> attempt) {
            InvocationHandler handler = (proxy, m, a) -> {
                switch (m.getName()) {
                    case "completed":
                        attempt.complete(a[0]);
                        return null;
                    case "failed":
                        attempt.completeExceptionally((Throwable) a[0]);
                        return null;
                    case "cancelled":
                        attempt.cancel(false);
                        return null;
                    case "hashCode":
                        return System.identityHashCode(proxy);
                    case "equals":
                        return proxy == a[0];
                    case "toString":
                        return "lifeline attempt callback";
                    default:
                        return null;
                }
            };
            return Proxy.newProxyInstance(callbackType.getClassLoader(), new Class<?>[]{callbackType}, handler);
        }

        void notify(Object callback, Object response, Throwable failure) {
            try {
                if (failure == null) {
                    LibraryReflection.call(completed, callback, response);
                } else {
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                    if (cause instanceof CancellationException) {
                        LibraryReflection.call(cancelled, callback);
                    } else {
                        LibraryReflection.call(failed, callback, cause instanceof Exception ? cause : new IllegalStateException(cause));
                    }
                }
            } catch (RuntimeException | Error e) {
                // The application's callback threw: as the client does, it is its own business.
                Thread t = Thread.currentThread();
                t.getUncaughtExceptionHandler().uncaughtException(t, e);
            }
        }

        int status(Object result) {
            Method[] m = statusMethods.get(result.getClass());
            if (m[0] != null) {
                return (Integer) LibraryReflection.call(m[0], result);
            }
            if (m[1] != null) {
                Object head = LibraryReflection.call(m[1], result);
                Method code = head == null ? null : LibraryReflection.optionalMethod(head.getClass(), "getCode");
                return code == null ? -1 : (Integer) LibraryReflection.call(code, head);
            }
            return -1;
        }

        String header(Object result, String name) {
            Object message = result;
            Method[] m = statusMethods.get(result.getClass());
            if (m[0] == null && m[1] != null) {
                message = LibraryReflection.call(m[1], result);
            }
            Method first = message == null ? null : LibraryReflection.optionalMethod(message.getClass(), "getFirstHeader", String.class);
            if (first == null) {
                return null;
            }
            Object header = LibraryReflection.call(first, message, name);
            Method value = header == null ? null : LibraryReflection.optionalMethod(header.getClass(), "getValue");
            return value == null ? null : (String) LibraryReflection.call(value, header);
        }
    }
}

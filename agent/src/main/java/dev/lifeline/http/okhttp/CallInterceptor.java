package dev.lifeline.http.okhttp;

import dev.lifeline.http.LibraryApis;
import dev.lifeline.http.LibraryCall;
import dev.lifeline.http.LibraryReflection;
import dev.lifeline.http.Sneaky;

import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * OkHttp 4 and 5: {@code RealCall.execute()} and {@code RealCall.enqueue(Callback)}. The woven
 * prologue hands the call here; {@code null} runs OkHttp's own body.
 *
 * <p>A call executes once only, so the first attempt runs on the application's call itself and
 * every retry on a {@link Object#clone() clone} of it (same client, same request). A call the
 * application cancels is not retried again. {@code enqueue} stays asynchronous: each attempt is
 * an {@code enqueue} of its own with a callback of Lifeline's, retries are scheduled on Lifeline's
 * one scheduler thread, and the application's callback is called once, with the application's
 * own call object. WebSocket upgrades are left to OkHttp.
 */
public final class CallInterceptor {

    private static final LibraryApis<Api> APIS = new LibraryApis<>("OkHttp", Api::new);
    private static final LibraryApis.RequestReader<Api> REQUEST = (api, args) -> api.call(args[0]);
    /** {@code enqueue} without a callback is OkHttp's own error to raise. */
    private static final LibraryApis.RequestReader<Api> ENQUEUED = (api, args) -> args[1] == null ? null : api.call(args[0]);

    private CallInterceptor() {
    }

    /** args: the call. */
    public static Object execute(Object[] args) {
        Object original = args[0];
        Api api = APIS.forCall(original);
        LibraryCall call = api == null ? null : APIS.call("OkHttp Call.execute", api, args, REQUEST);
        if (call == null) {
            return null;
        }
        try {
            return call.runBlocking(new LibraryCall.Exchange<Object>() {
                private boolean first = true;

                @Override
                public Object send() throws IOException {
                    Object target = api.attemptCall(original, first ? null : this);
                    first = false;
                    return LibraryReflection.call(api.execute, target);
                }

                @Override
                public int status(Object response) {
                    return api.code(response);
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
        } catch (Throwable t) {
            throw Sneaky.raise(t);
        }
    }

    /** args: the call, the application's callback. */
    public static Object enqueue(Object[] args) {
        Object original = args[0];
        Object callback = args[1];
        Api api = APIS.forCall(original);
        LibraryCall call = api == null ? null : APIS.call("OkHttp Call.enqueue", api, args, ENQUEUED);
        if (call == null) {
            return null;
        }
        CompletableFuture<Object> result = call.runAsync(new LibraryCall.AsyncExchange<Object>() {
            private boolean first = true;

            @Override
            public CompletableFuture<Object> send() {
                CompletableFuture<Object> attempt = new CompletableFuture<>();
                Object target;
                try {
                    target = api.attemptCall(original, first ? null : this);
                } catch (IOException canceled) {
                    attempt.completeExceptionally(canceled);
                    return attempt;
                }
                first = false;
                LibraryReflection.call(api.enqueue, target, api.callbackCompleting(attempt));
                attempt.whenComplete((r, failure) -> {
                    if (failure instanceof CancellationException) {
                        LibraryReflection.call(api.cancel, target);
                    }
                });
                return attempt;
            }

            @Override
            public int status(Object response) {
                return api.code(response);
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
        result.whenComplete((response, failure) -> api.notify(callback, original, response, failure));
        return Boolean.TRUE; // enqueue is void: any non-null answer means "handled"
    }

    /** The methods Lifeline calls, found once per call class. */
    static final class Api {
        final Method request;
        final Method execute;
        final Method enqueue;
        final Method cloneCall;
        final Method cancel;
        final Method isCanceled;
        final Class<?> callbackType;
        final Method onFailure;
        final Method onResponse;
        final Method url;
        final Method method;
        final Method requestHeader;
        final Method body;
        final Method host;
        final Method port;
        final Method scheme;
        final Method isOneShot;
        final Method isDuplex;
        private final ClassValue<Method[]> responseMethods = new ClassValue<Method[]>() {
            @Override
            protected Method[] computeValue(Class<?> response) {
                try {
                    return new Method[]{LibraryReflection.method(response, "code"),
                            LibraryReflection.method(response, "header", String.class)};
                } catch (NoSuchMethodException e) {
                    throw new IllegalStateException(e);
                }
            }
        };

        Api(Class<?> call) throws ReflectiveOperationException {
            request = LibraryReflection.method(call, "request");
            execute = LibraryReflection.method(call, "execute");
            cloneCall = LibraryReflection.method(call, "clone");
            cancel = LibraryReflection.method(call, "cancel");
            isCanceled = LibraryReflection.method(call, "isCanceled");
            Method enqueueMethod = null;
            for (Method m : call.getMethods()) {
                if (m.getName().equals("enqueue") && m.getParameterCount() == 1) {
                    enqueueMethod = m;
                }
            }
            if (enqueueMethod == null) {
                throw new NoSuchMethodException(call.getName() + ".enqueue");
            }
            enqueueMethod.setAccessible(true);
            enqueue = enqueueMethod;
            callbackType = enqueue.getParameterTypes()[0];
            onFailure = declaredOnInterface(callbackType, "onFailure");
            onResponse = declaredOnInterface(callbackType, "onResponse");
            Class<?> requestType = request.getReturnType();
            url = LibraryReflection.method(requestType, "url");
            method = LibraryReflection.method(requestType, "method");
            requestHeader = LibraryReflection.method(requestType, "header", String.class);
            body = LibraryReflection.method(requestType, "body");
            host = LibraryReflection.method(url.getReturnType(), "host");
            port = LibraryReflection.method(url.getReturnType(), "port");
            scheme = LibraryReflection.method(url.getReturnType(), "scheme");
            isOneShot = LibraryReflection.method(body.getReturnType(), "isOneShot");
            isDuplex = LibraryReflection.method(body.getReturnType(), "isDuplex");
        }

        private static Method declaredOnInterface(Class<?> type, String name) throws NoSuchMethodException {
            for (Method m : type.getMethods()) {
                if (m.getName().equals(name) && m.getParameterCount() == 2) {
                    return m;
                }
            }
            throw new NoSuchMethodException(type.getName() + "." + name);
        }

        /** null for a WebSocket upgrade, which OkHttp handles on its own. */
        LibraryCall call(Object call) {
            Object req = LibraryReflection.call(request, call);
            if (LibraryReflection.call(requestHeader, req, "Upgrade") != null) {
                return null;
            }
            Object u = LibraryReflection.call(url, req);
            Object b = LibraryReflection.call(body, req);
            // OkHttp's own contract for "can be sent again": neither one-shot nor duplex.
            boolean replayable = b == null || (!(Boolean) LibraryReflection.call(isOneShot, b)
                    && !(Boolean) LibraryReflection.call(isDuplex, b));
            boolean keyed = LibraryReflection.call(requestHeader, req, LibraryCall.IDEMPOTENCY_KEY) != null;
            return LibraryCall.of((String) LibraryReflection.call(scheme, u), (String) LibraryReflection.call(host, u),
                    (Integer) LibraryReflection.call(port, u), (String) LibraryReflection.call(method, req), keyed, replayable);
        }

        /**
         * The call object for an attempt: the application's own for the first ({@code retry} null),
         * a fresh clone for a retry, unless the application cancelled its call meanwhile.
         */
        Object attemptCall(Object original, Object retry) throws IOException {
            if (retry == null) {
                return original;
            }
            if ((Boolean) LibraryReflection.call(isCanceled, original)) {
                throw new IOException("Canceled");
            }
            return LibraryReflection.call(cloneCall, original);
        }

        int code(Object response) {
            return (Integer) LibraryReflection.call(responseMethods.get(response.getClass())[0], response);
        }

        String header(Object response, String name) {
            return (String) LibraryReflection.call(responseMethods.get(response.getClass())[1], response, name);
        }

        Object callbackCompleting(CompletableFuture<Object> attempt) {
            InvocationHandler handler = (proxy, m, a) -> {
                switch (m.getName()) {
                    case "onResponse":
                        attempt.complete(a[1]);
                        return null;
                    case "onFailure":
                        attempt.completeExceptionally((Throwable) a[1]);
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

        /** The application's callback, once, with its own call object. */
        void notify(Object callback, Object call, Object response, Throwable failure) {
            try {
                if (failure == null) {
                    LibraryReflection.call(onResponse, callback, call, response);
                } else {
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                    IOException io = cause instanceof IOException ? (IOException) cause
                            : cause instanceof CancellationException ? new IOException("Canceled", cause)
                            : new IOException(cause);
                    LibraryReflection.call(onFailure, callback, call, io);
                }
            } catch (RuntimeException | Error e) {
                // What the application's callback throws is its own, as on OkHttp's dispatcher thread.
                Thread t = Thread.currentThread();
                t.getUncaughtExceptionHandler().uncaughtException(t, e);
            }
        }
    }
}

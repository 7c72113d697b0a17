package dev.lifeline.http.apache4;

import dev.lifeline.http.LibraryApis;
import dev.lifeline.http.LibraryCall;
import dev.lifeline.http.LibraryReflection;
import dev.lifeline.http.Sneaky;

import java.lang.reflect.Method;
import java.net.URI;

/**
 * Apache HttpClient 4.5: {@code doExecute(HttpHost, HttpRequest, HttpContext)} of
 * {@code InternalHttpClient}, {@code MinimalHttpClient} and the deprecated
 * {@code AbstractHttpClient} ({@code DefaultHttpClient}), where every {@code HttpClient.execute}
 * overload ends. The woven prologue hands the call here; {@code null} runs the library's own body.
 * A retry invokes {@code doExecute} again with the same request: the client wraps it afresh for
 * each execution. Its own {@code DefaultHttpRequestRetryHandler} is off where Lifeline takes over
 * (see {@link BuilderTuning}).
 */
public final class ClientInterceptor {

    private static final LibraryApis<Api> APIS = new LibraryApis<>("HttpClient 4", Api::new);
    private static final LibraryApis.RequestReader<Api> REQUEST = (api, args) -> api.call(args[1], args[2]);

    /** getEntity (an entity-enclosing request) and getURI (an HttpUriRequest) of a request class; either may be null. */
    private static final ClassValue<Method[]> REQUEST_METHODS = new ClassValue<Method[]>() {
        @Override
        protected Method[] computeValue(Class<?> request) {
            return new Method[]{LibraryReflection.optionalMethod(request, "getEntity"),
                    LibraryReflection.optionalMethod(request, "getURI")};
        }
    };

    private ClientInterceptor() {
    }

    /** args: the client, target host (may be null), request, context (may be null). */
    public static Object doExecute(Object[] args) {
        Object client = args[0];
        Api api = APIS.forCall(client);
        LibraryCall call = api == null ? null : APIS.call("HttpClient 4 execute", api, args, REQUEST);
        if (call == null) {
            return null;
        }
        Object[] attemptArgs = {args[1], args[2], args[3]};
        try {
            return call.runBlocking(new LibraryCall.Exchange<Object>() {
                @Override
                public Object send() {
                    return LibraryReflection.call(api.doExecute, client, attemptArgs);
                }

                @Override
                public int status(Object response) {
                    return (Integer) LibraryReflection.call(api.statusCode, LibraryReflection.call(api.statusLine, response));
                }

                @Override
                public String header(Object response, String name) {
                    Object header = LibraryReflection.call(api.getFirstHeader, response, name);
                    return header == null ? null : (String) LibraryReflection.call(api.headerValue, header);
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

    /** The methods Lifeline calls, found once per client class from its own doExecute's types. */
    static final class Api {
        final Method doExecute;
        final Method hostName;
        final Method port;
        final Method schemeName;
        final Method requestLine;
        final Method method;
        final Method containsHeader;
        final Method statusLine;
        final Method statusCode;
        final Method getFirstHeader;
        final Method headerValue;

        Api(Class<?> client) throws ReflectiveOperationException {
            doExecute = LibraryReflection.declared(client, "doExecute", 3);
            Class<?>[] types = doExecute.getParameterTypes();
            hostName = LibraryReflection.method(types[0], "getHostName");
            port = LibraryReflection.method(types[0], "getPort");
            schemeName = LibraryReflection.method(types[0], "getSchemeName");
            requestLine = LibraryReflection.method(types[1], "getRequestLine");
            method = LibraryReflection.method(requestLine.getReturnType(), "getMethod");
            containsHeader = LibraryReflection.method(types[1], "containsHeader", String.class);
            Class<?> response = doExecute.getReturnType();
            statusLine = LibraryReflection.method(response, "getStatusLine");
            statusCode = LibraryReflection.method(statusLine.getReturnType(), "getStatusCode");
            getFirstHeader = LibraryReflection.method(response, "getFirstHeader", String.class);
            headerValue = LibraryReflection.method(getFirstHeader.getReturnType(), "getValue");
        }

        LibraryCall call(Object target, Object request) throws ReflectiveOperationException {
            Method[] requestMethods = REQUEST_METHODS.get(request.getClass());
            String scheme;
            String host;
            int p;
            if (target != null) {
                scheme = (String) LibraryReflection.call(schemeName, target);
                host = (String) LibraryReflection.call(hostName, target);
                p = (Integer) LibraryReflection.call(port, target);
            } else if (requestMethods[1] != null) {
                URI uri = (URI) LibraryReflection.call(requestMethods[1], request);
                scheme = uri.getScheme();
                host = uri.getHost();
                p = uri.getPort();
            } else {
                return null;
            }
            boolean replayable = true;
            if (requestMethods[0] != null) {
                Object entity = LibraryReflection.call(requestMethods[0], request);
                if (entity != null) {
                    replayable = (Boolean) LibraryReflection.call(
                            LibraryReflection.method(requestMethods[0].getReturnType(), "isRepeatable"), entity);
                }
            }
            String verb = (String) LibraryReflection.call(method, LibraryReflection.call(requestLine, request));
            boolean keyed = (Boolean) LibraryReflection.call(containsHeader, request, LibraryCall.IDEMPOTENCY_KEY);
            return LibraryCall.of(scheme, host, p, verb, keyed, replayable);
        }
    }
}

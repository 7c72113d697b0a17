package dev.lifeline.http.apache5;

import dev.lifeline.http.LibraryApis;
import dev.lifeline.http.LibraryCall;
import dev.lifeline.http.LibraryReflection;
import dev.lifeline.http.Sneaky;

import java.lang.reflect.Method;
import java.net.URI;

/**
 * Apache HttpClient 5, classic: {@code doExecute(HttpHost, ClassicHttpRequest, HttpContext)} of
 * {@code InternalHttpClient} and {@code MinimalHttpClient}, where every {@code execute} overload
 * of {@code CloseableHttpClient} ends (with or without a response handler, and
 * {@code executeOpen}). The woven prologue hands the call here; {@code null} runs the library's
 * own body (Lifeline's own re-invocation, Lifeline off, a request it cannot name a host for, or
 * its own error: fail-open).
 *
 * <p>A retry invokes {@code doExecute} again with the same request object: the client copies it
 * into its exec chain each time, so nothing of an earlier attempt carries over. Its own retries
 * are off where Lifeline takes over (see {@link BuilderTuning}).
 */
public final class ClassicClientInterceptor {

    private static final LibraryApis<Api> APIS = new LibraryApis<>("HttpClient 5", Api::new);
    private static final LibraryApis.RequestReader<Api> REQUEST = (api, args) -> api.call(args[1], args[2]);

    private ClassicClientInterceptor() {
    }

    /** args: the client, target host (may be null), request, context (may be null). */
    public static Object doExecute(Object[] args) {
        Object client = args[0];
        Api api = APIS.forCall(client);
        LibraryCall call = api == null ? null : APIS.call("HttpClient 5 execute", api, args, REQUEST);
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
                    return (Integer) LibraryReflection.call(api.getCode, response);
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

    /** The methods Lifeline calls, found once per client class from its own doExecute's types. */
    static final class Api {
        final Method doExecute;
        final Method hostName;
        final Method port;
        final Method schemeName;
        final Method method;
        final Method containsHeader;
        final Method getEntity;
        final Method isRepeatable;
        final Method getUri;
        final Method getCode;
        final Method getFirstHeader;
        final Method headerValue;

        Api(Class<?> client) throws ReflectiveOperationException {
            doExecute = LibraryReflection.declared(client, "doExecute", 3);
            Class<?>[] types = doExecute.getParameterTypes();
            Class<?> host = types[0];
            Class<?> request = types[1];
            hostName = LibraryReflection.method(host, "getHostName");
            port = LibraryReflection.method(host, "getPort");
            schemeName = LibraryReflection.method(host, "getSchemeName");
            method = LibraryReflection.method(request, "getMethod");
            containsHeader = LibraryReflection.method(request, "containsHeader", String.class);
            getEntity = LibraryReflection.method(request, "getEntity");
            isRepeatable = LibraryReflection.method(getEntity.getReturnType(), "isRepeatable");
            getUri = LibraryReflection.method(request, "getUri");
            Class<?> response = doExecute.getReturnType();
            getCode = LibraryReflection.method(response, "getCode");
            getFirstHeader = LibraryReflection.method(response, "getFirstHeader", String.class);
            headerValue = LibraryReflection.method(getFirstHeader.getReturnType(), "getValue");
        }

        LibraryCall call(Object target, Object request) {
            String scheme;
            String host;
            int p;
            if (target != null) {
                scheme = (String) LibraryReflection.call(schemeName, target);
                host = (String) LibraryReflection.call(hostName, target);
                p = (Integer) LibraryReflection.call(port, target);
            } else {
                URI uri = (URI) LibraryReflection.call(getUri, request);
                scheme = uri.getScheme();
                host = uri.getHost();
                p = uri.getPort();
            }
            Object entity = LibraryReflection.call(getEntity, request);
            boolean replayable = entity == null || (Boolean) LibraryReflection.call(isRepeatable, entity);
            boolean keyed = (Boolean) LibraryReflection.call(containsHeader, request, LibraryCall.IDEMPOTENCY_KEY);
            return LibraryCall.of(scheme, host, p, (String) LibraryReflection.call(method, request), keyed, replayable);
        }

        String header(Object message, String name) {
            Object header = LibraryReflection.call(getFirstHeader, message, name);
            return header == null ? null : (String) LibraryReflection.call(headerValue, header);
        }
    }
}

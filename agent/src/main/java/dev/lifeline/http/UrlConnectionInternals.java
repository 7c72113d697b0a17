package dev.lifeline.http;

import dev.lifeline.log.LifelineLog;

import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.net.HttpURLConnection;

/**
 * The state of {@code sun.net.www.protocol.http.HttpURLConnection} that a resend needs reset.
 * After a failure the object remembers the exception and rethrows it without any network traffic,
 * so a retry must first make it forget: the same fields exist, with the same meaning, on JDK 17
 * and 25 (checked at start-up; any mismatch turns HttpURLConnection support off, fail-open).
 *
 * <p>The reset mirrors what the JDK does itself between the hops of a redirect: drop the socket
 * ({@code disconnectInternal}), clear the remembered exception and the error stream; the old
 * response headers are cleared by the JDK itself when it parses the next response
 * ({@code MessageHeader.parseHeader} starts from zero). The request headers and a buffered body ({@code poster}) stay, so the retry sends the
 * same request; {@code failedOnce} is set so the JDK opens a fresh connection instead of taking
 * another, possibly stale, one from its keep-alive cache.
 */
final class UrlConnectionInternals {

    private static volatile UrlConnectionInternals current;
    private static volatile MethodHandles.Lookup pendingLookup;

    private final VarHandle rememberedException;
    private final VarHandle inputStream;
    private final VarHandle errorStream;
    private final VarHandle failedOnce;
    private final MethodHandle disconnectInternal;
    private final MethodHandle streaming;

    private UrlConnectionInternals(MethodHandles.Lookup lookup, Class<?> type) throws ReflectiveOperationException {
        rememberedException = lookup.findVarHandle(type, "rememberedException", Exception.class);
        inputStream = lookup.findVarHandle(type, "inputStream", InputStream.class);
        errorStream = lookup.findVarHandle(type, "errorStream", InputStream.class);
        failedOnce = lookup.findVarHandle(type, "failedOnce", boolean.class);
        disconnectInternal = lookup.findVirtual(type, "disconnectInternal", MethodType.methodType(void.class));
        streaming = lookup.findVirtual(type, "streaming", MethodType.methodType(boolean.class));
    }

    /** @param lookup a private lookup in {@code type}'s package (opened to Lifeline by {@link HttpBridge}) */
    static void init(MethodHandles.Lookup lookup, Class<?> type) throws ReflectiveOperationException {
        current = new UrlConnectionInternals(lookup, type);
    }

    /**
     * Keeps the lookup; the JDK class is inspected when the application first uses it, so that
     * start-up does not load it. A JDK whose fields differ turns HttpURLConnection support off then
     * (one line; the calls go on unchanged).
     */
    static void initOnFirstUse(MethodHandles.Lookup lookupInItsPackage) {
        pendingLookup = lookupInItsPackage;
    }

    static UrlConnectionInternals get() {
        UrlConnectionInternals internals = current;
        if (internals != null) {
            return internals;
        }
        MethodHandles.Lookup lookup = pendingLookup;
        if (lookup == null) {
            return null;
        }
        try {
            // Racing threads may both build it: the result is the same, and no one waits.
            // The package was opened to Lifeline at start-up; a private lookup in the class itself
            // reaches its private members (one in the anchor class reaches only the anchor's).
            Class<?> type = Class.forName(HttpInstrumentation.URL_CONNECTION, false, null);
            internals = new UrlConnectionInternals(MethodHandles.privateLookupIn(type, MethodHandles.lookup()), type);
            current = internals;
            return internals;
        } catch (Throwable t) {
            pendingLookup = null;
            LifelineLog.warn("HttpURLConnection is not instrumented on this JDK (" + t + ")");
            return null;
        }
    }

    /** The object already has its outcome (a stream or a remembered failure): later calls only read it. */
    boolean hasOutcome(HttpURLConnection connection) {
        return rememberedException.get(connection) != null || inputStream.get(connection) != null;
    }

    /** Fixed-length or chunked streaming: the body went straight to the socket and cannot be sent again. */
    boolean streaming(HttpURLConnection connection) throws Throwable {
        return (boolean) streaming.invoke(connection);
    }

    /** Makes the failed object ready to send the same request again, on a new connection. */
    void resetForRetry(HttpURLConnection connection) throws Throwable {
        InputStream buffered = (InputStream) errorStream.get(connection);
        if (buffered != null) {
            try {
                buffered.close();
            } catch (java.io.IOException ignored) {
                // the connection is dropped below anyway
            }
            errorStream.set(connection, null);
        }
        disconnectInternal.invoke(connection);
        rememberedException.set(connection, null);
        failedOnce.set(connection, true);
    }
}

package dev.lifeline.http;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;

/**
 * What an HTTP client's exception says about the request, for the JDK clients and the libraries
 * (Apache HttpClient 4 and 5, OkHttp; their exception classes are known by simple name, so a
 * relocated copy is read alike and Lifeline never links against them). Only two
 * questions matter: did the request provably never leave (the connection was never established),
 * and is it a transport failure before a response arrived (reset, closed, timed out), which a
 * retry can fix for a request that may be sent twice.
 *
 * <p>The JDK clients wrap and re-wrap: {@code HttpClient.send} rethrows a new exception of the
 * same type with the original as cause, {@code HttpURLConnection} remembers one and chains copies.
 * So the whole cause chain is read, a few levels deep.
 */
final class HttpFailures {

    private static final int MAX_DEPTH = 6;

    private HttpFailures() {
    }

    /** The TCP connection was never established, so not one byte of the request was sent. */
    static boolean neverSent(Throwable failure) {
        if (failure instanceof CapTimeoutIOException) {
            return false;
        }
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_DEPTH; depth++, t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof NoRouteToHostException
                    || t instanceof HttpConnectTimeoutException) {
                return true;
            }
            if (t instanceof SocketTimeoutException && messageContains(t, "connect timed out")) {
                return true;
            }
            // Apache HttpClient 4 and 5: a connect timeout is an InterruptedIOException of its own.
            if (t instanceof IOException && t.getClass().getSimpleName().equals("ConnectTimeoutException")) {
                return true;
            }
        }
        return false;
    }

    /**
     * A failure of the connection before a response started: reset, closed, refused, end of
     * stream, or a timeout. Not: unknown host, TLS certificate problems, protocol errors, a bad
     * request, Lifeline's own cap timeout, an interrupt.
     */
    static boolean transport(Throwable failure) {
        if (failure instanceof CapTimeoutIOException || !(failure instanceof IOException)) {
            return false;
        }
        if (neverSent(failure)) {
            return true;
        }
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_DEPTH; depth++, t = t.getCause()) {
            if (t instanceof SocketException || t instanceof EOFException || t instanceof SocketTimeoutException
                    || t instanceof HttpTimeoutException || t instanceof ClosedChannelException) {
                return true;
            }
            if (t instanceof IOException && (transportMessage(t.getMessage()) || libraryTransport(t))) {
                return true;
            }
        }
        return false;
    }

    // Plain IOExceptions of java.net.http that name a dropped connection (JDK 17 and 25 texts).
    private static boolean transportMessage(String message) {
        if (message == null) {
            return false;
        }
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("connection reset") || m.contains("header parser received no bytes")
                || m.contains("eof reached") || m.contains("connection closed") || m.contains("broken pipe")
                || m.contains("unexpected end of file") || m.contains("connection abort")
                || m.contains("error writing to server")
                // OkHttp ("unexpected end of stream on http://..."), Apache HttpClient ("... failed to respond")
                || m.contains("unexpected end of stream") || m.contains("failed to respond");
    }

    // Apache HttpClient: the server closed the connection without a response (the lost reply).
    private static boolean libraryTransport(Throwable t) {
        String name = t.getClass().getSimpleName();
        return name.equals("NoHttpResponseException") || name.equals("ConnectionClosedException");
    }

    private static boolean messageContains(Throwable t, String lowerCaseText) {
        String message = t.getMessage();
        return message != null && message.toLowerCase(Locale.ROOT).contains(lowerCaseText);
    }
}

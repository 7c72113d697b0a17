package dev.lifeline.http;

/**
 * The per-thread call-depth guard: while Lifeline runs an attempt of a call on this thread, the
 * instrumented methods it (or the JDK inside it) calls run their original bodies.
 * {@code HttpURLConnection.getResponseCode()} calls {@code getInputStream()}, which calls
 * {@code getResponseCode()} again; Lifeline's own re-invocation of {@code send} must not retry
 * inside a retry. One mutable object per thread: the fast path allocates nothing.
 */
final class HttpThreadState {

    private static final ThreadLocal<HttpThreadState> CURRENT = ThreadLocal.withInitial(HttpThreadState::new);

    int depth;

    static HttpThreadState current() {
        return CURRENT.get();
    }
}

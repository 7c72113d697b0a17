package dev.lifeline.http;

/** The HTTP settings the libraries' pool tunings read, once Lifeline's HTTP support is installed. */
public final class HttpSettings {

    private final long keepaliveMillis;
    private final long validateAfterIdleMillis;

    HttpSettings(long keepaliveMillis, long validateAfterIdleMillis) {
        this.keepaliveMillis = keepaliveMillis;
        this.validateAfterIdleMillis = validateAfterIdleMillis;
    }

    /** The current settings, or null when Lifeline's HTTP support is off (then nothing is tuned). */
    public static HttpSettings current() {
        HttpRuntime runtime = HttpRuntime.get();
        return runtime == null ? null : runtime.settings;
    }

    /** {@code lifeline.http.keepalive}: how long an idle pooled connection is kept. */
    public long keepaliveMillis() {
        return keepaliveMillis;
    }

    /** {@code lifeline.http.validateAfterIdle}: idle longer than this, a pooled connection is checked before reuse. */
    public long validateAfterIdleMillis() {
        return validateAfterIdleMillis;
    }
}

package dev.lifeline.http;

import java.time.Duration;
import java.util.Properties;

/**
 * The JDK's own HTTP settings Lifeline sets at start-up, before the client classes read them (both
 * read them once, in static initialisers), and only when the application has not set them itself.
 *
 * <ul>
 *   <li>{@code jdk.httpclient.keepalive.timeout} (java.net.http; JDK default 1200 s): idle pooled
 *       connections are closed after {@code lifeline.http.keepalive} (incident 4: 60 s), before a
 *       server or proxy drops them silently.</li>
 *   <li>{@code http.keepAlive.time.server} (HttpURLConnection, JDK 17.0.15 and 25; JDK default
 *       5 s unless the server sends {@code Keep-Alive: timeout}): set only when Lifeline's value is
 *       shorter, never lengthening how long a connection sits idle.</li>
 *   <li>{@code sun.net.http.retryPost=false}: HttpURLConnection otherwise resends a POST once,
 *       silently, when the response head is missing — a POST the server may already have acted
 *       on. Lifeline resends a POST only when it provably never left.</li>
 * </ul>
 */
final class JdkHttpProperties {

    static final String CLIENT_KEEPALIVE = "jdk.httpclient.keepalive.timeout";
    static final String URLCONNECTION_KEEPALIVE = "http.keepAlive.time.server";
    static final String RETRY_POST = "sun.net.http.retryPost";
    static final long URLCONNECTION_DEFAULT_KEEPALIVE_SECONDS = 5;

    private JdkHttpProperties() {
    }

    static void apply(Duration keepalive, Properties properties) {
        long seconds = Math.max(1, keepalive.getSeconds());
        setIfAbsent(properties, CLIENT_KEEPALIVE, Long.toString(seconds));
        if (seconds < URLCONNECTION_DEFAULT_KEEPALIVE_SECONDS) {
            setIfAbsent(properties, URLCONNECTION_KEEPALIVE, Long.toString(seconds));
        }
        setIfAbsent(properties, RETRY_POST, "false");
    }

    private static void setIfAbsent(Properties properties, String key, String value) {
        if (properties.getProperty(key) == null) {
            properties.setProperty(key, value);
        }
    }
}

package dev.lifeline.it.transparency;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The agent's loopback admin endpoint as a test reads it: {@code /health} JSON and {@code /metrics} text. */
final class AdminEndpoint {

    private AdminEndpoint() {
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static String get(int port, String path) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) new URL("http://127.0.0.1:" + port + path).openConnection();
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(20_000);
        if (connection.getResponseCode() != 200) {
            throw new IOException(path + " answered " + connection.getResponseCode());
        }
        try (InputStream in = connection.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * The JSON object of one target's {@code "connections"}, e.g.
     * {@code {"open":3,"waiting":0,"max":5,"cap":"adaptive","refusals":2,"peak":5}}, or null.
     */
    static String connections(String health, String target) {
        Matcher m = Pattern.compile("\"target\":\"" + Pattern.quote(target) + "\",\"connections\":(\\{[^}]*\\}|null)")
                .matcher(health);
        return m.find() ? m.group(1) : null;
    }

    /** A field of a flat JSON object such as {@link #connections}: its raw value text ("5", "null", "\"adaptive\""). */
    static String field(String object, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\":(\"[^\"]*\"|[^,}]*)").matcher(object);
        if (!m.find()) {
            throw new AssertionError("no " + name + " in " + object);
        }
        return m.group(1);
    }

    /** One Prometheus sample's value, or -1 when the series is absent. */
    static double sample(String metrics, String seriesRegex) {
        Matcher m = Pattern.compile("(?m)^" + seriesRegex + " ([0-9.Ee+-]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}

package dev.lifeline.demo.workload;

import com.sun.tools.attach.VirtualMachine;

import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * An application that is already running when Lifeline arrives: it opens a connection to a port
 * where nothing listens (pgjdbc's driver is loaded and fails once), then attaches the agent to
 * itself ({@code -Djdk.attach.allowAttachSelf=true}), as an operator would with {@code jcmd} or
 * the attach API, and tries again. Prints {@code BEFORE ...} and {@code AFTER ...} lines: the
 * second connect is retried only if the already-loaded driver was retransformed.
 *
 * <p>With a third argument, the URL of a server that answers 503 to the first request of each
 * {@code X-Request-Id}, it also makes one GET with {@code HttpURLConnection} and one with
 * {@code java.net.http.HttpClient} before and after the attach, each under a new id, and prints
 * {@code HTTP-BEFORE ...} and {@code HTTP-AFTER ...} with the statuses: a 200 after the attach
 * means the JDK client classes, loaded before the agent came, were retransformed and retried.
 *
 * <p>Arguments: the agent jar, then the agent's arguments, then optionally that URL.
 */
public final class LateAttachCheck {

    private static final String URL = "jdbc:postgresql://127.0.0.1:1/none?user=nobody&connectTimeout=2";

    public static void main(String[] args) throws Exception {
        String url = args.length > 2 ? args[2] : null;
        System.out.println("BEFORE " + attempt());
        if (url != null) {
            System.out.println("HTTP-BEFORE " + httpAttempts(url, "before"));
        }
        VirtualMachine self = VirtualMachine.attach(String.valueOf(ProcessHandle.current().pid()));
        try {
            self.loadAgent(args[0], args.length > 1 ? args[1] : "");
        } finally {
            self.detach();
        }
        System.out.println("AFTER " + attempt());
        if (url != null) {
            System.out.println("HTTP-AFTER " + httpAttempts(url, "after"));
        }
    }

    private static String httpAttempts(String url, String id) throws Exception {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        connection.setRequestProperty("X-Request-Id", id + "-huc");
        int urlConnection = connection.getResponseCode();
        connection.disconnect();
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("X-Request-Id", id + "-send").GET().build();
        int send = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        return "huc=" + urlConnection + " send=" + send;
    }

    private static String attempt() {
        try {
            DriverManager.getConnection(URL).close();
            return "UNEXPECTED a server answered on port 1";
        } catch (SQLException e) {
            long earlier = java.util.Arrays.stream(e.getSuppressed()).filter(s -> s instanceof SQLException).count();
            return "attempts=" + (earlier + 1) + " sqlstate=" + e.getSQLState();
        }
    }
}

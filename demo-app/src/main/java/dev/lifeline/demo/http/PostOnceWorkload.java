package dev.lifeline.demo.http;

import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/**
 * An ordinary application that POSTs one order with {@code HttpURLConnection}, body written through
 * {@code getOutputStream()}, no Idempotency-Key, no retry of its own. Prints
 * {@code RESULT status=N} or {@code FAILURE type=... message=...}.
 * Argument: the URL.
 */
public final class PostOnceWorkload {

    public static void main(String[] args) throws Exception {
        HttpURLConnection connection = (HttpURLConnection) new URL(args[0]).openConnection();
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        connection.setConnectTimeout(5_000);
        try {
            try (OutputStream body = connection.getOutputStream()) {
                body.write("{\"order\":1}".getBytes(StandardCharsets.UTF_8));
            }
            System.out.println("RESULT status=" + connection.getResponseCode());
        } catch (IOException e) {
            System.out.println("FAILURE type=" + e.getClass().getName() + " message=" + e.getMessage());
        }
    }
}

package dev.lifeline.it.http;

import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An ordinary Spring application's HTTP calls: {@code RestClient.create(baseUrl)}, which picks
 * Apache HttpClient 5 as it finds it on the class path, no retry of its own. Four threads GET
 * and POST (a unique body and X-Request-Id each, no Idempotency-Key). Prints
 * {@code RESULT get.ok=N get.failed=M post.ok=N post.failed=M}.
 * Arguments: base URL, requests per method.
 */
public final class SpringRestClientApp {

    public static void main(String[] args) throws Exception {
        RestClient client = RestClient.create(args[0]);
        int requests = Integer.parseInt(args[1]);
        AtomicInteger getOk = new AtomicInteger();
        AtomicInteger getFailed = new AtomicInteger();
        AtomicInteger postOk = new AtomicInteger();
        AtomicInteger postFailed = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        for (int i = 0; i < requests; i++) {
            int n = i;
            threads.execute(() -> {
                try {
                    client.get().uri("/kv/{n}", n).header("X-Request-Id", "get-" + n).retrieve().body(String.class);
                    getOk.incrementAndGet();
                } catch (RestClientException e) {
                    getFailed.incrementAndGet();
                }
                try {
                    client.post().uri("/orders").header("X-Request-Id", "post-" + n).contentType(MediaType.APPLICATION_JSON)
                            .body("{\"order\":" + n + "}").retrieve().toBodilessEntity();
                    postOk.incrementAndGet();
                } catch (RestClientException e) {
                    postFailed.incrementAndGet();
                }
            });
        }
        threads.shutdown();
        threads.awaitTermination(5, TimeUnit.MINUTES);
        System.out.println("RESULT get.ok=" + getOk + " get.failed=" + getFailed
                + " post.ok=" + postOk + " post.failed=" + postFailed);
        System.exit(0);
    }
}

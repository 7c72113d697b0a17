package dev.lifeline.demo.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * The HTTP client libraries as ordinary applications use them, each at its defaults and with no
 * retry of its own beyond the library's: Apache HttpClient 5 ({@code HttpClients.createDefault()},
 * classic and async), Apache HttpClient 4.5 ({@code HttpClients.createDefault()}) and OkHttp
 * ({@code new OkHttpClient()}, {@code execute} and {@code enqueue}). Every request carries an
 * {@code X-Request-Id} (the faulty server counts actions per id) and, for a keyed POST, an
 * {@code Idempotency-Key}. Each client is made on first use, so a run needs only its own library.
 */
public final class LibraryClients {

    /** One request, as the workloads describe it. */
    public static final class Request {
        final String url;
        final String method;
        final String id;
        final boolean keyed;
        final String body;

        public Request(String url, String method, String id, boolean keyed, String body) {
            this.url = url;
            this.method = method;
            this.id = id;
            this.keyed = keyed;
            this.body = body;
        }
    }

    /** A blocking client: the status the application got, or the exception it got. */
    public interface Blocking {
        int send(Request request) throws Exception;
    }

    /** An asynchronous client: a future of the status. */
    public interface Async {
        CompletableFuture<Integer> send(Request request);
    }

    private LibraryClients() {
    }

    public static boolean isAsync(String client) {
        return client.equals("hc5async") || client.equals("okenqueue");
    }

    public static boolean isLibrary(String client) {
        return client.equals("hc5") || client.equals("hc4") || client.equals("okhttp") || isAsync(client);
    }

    public static Blocking blocking(String client) {
        switch (client) {
            case "hc5":
                return ApacheClassic5.create();
            case "hc4":
                return Apache4.create();
            case "okhttp":
                return OkHttpBlocking.create();
            default:
                throw new IllegalArgumentException("no blocking client " + client);
        }
    }

    public static Async async(String client) {
        switch (client) {
            case "hc5async":
                return ApacheAsync5.create();
            case "okenqueue":
                return OkHttpAsync.create();
            default:
                throw new IllegalArgumentException("no async client " + client);
        }
    }

    // Each library in a class of its own: loading one never loads another.

    static final class ApacheClassic5 {
        static Blocking create() {
            org.apache.hc.client5.http.impl.classic.CloseableHttpClient client =
                    org.apache.hc.client5.http.impl.classic.HttpClients.createDefault();
            return r -> {
                org.apache.hc.core5.http.io.support.ClassicRequestBuilder builder = r.method.equals("POST")
                        ? org.apache.hc.core5.http.io.support.ClassicRequestBuilder.post(r.url)
                                .setEntity(new org.apache.hc.core5.http.io.entity.StringEntity(r.body,
                                        org.apache.hc.core5.http.ContentType.APPLICATION_JSON))
                        : org.apache.hc.core5.http.io.support.ClassicRequestBuilder.get(r.url);
                builder.addHeader("X-Request-Id", r.id);
                if (r.keyed) {
                    builder.addHeader("Idempotency-Key", r.id);
                }
                return client.execute(builder.build(), response -> {
                    org.apache.hc.core5.http.io.entity.EntityUtils.consume(response.getEntity());
                    return response.getCode();
                });
            };
        }
    }

    static final class ApacheAsync5 {
        static Async create() {
            org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient client =
                    org.apache.hc.client5.http.impl.async.HttpAsyncClients.createDefault();
            client.start();
            return r -> {
                org.apache.hc.client5.http.async.methods.SimpleRequestBuilder builder = r.method.equals("POST")
                        ? org.apache.hc.client5.http.async.methods.SimpleRequestBuilder.post(r.url)
                                .setBody(r.body, org.apache.hc.core5.http.ContentType.APPLICATION_JSON)
                        : org.apache.hc.client5.http.async.methods.SimpleRequestBuilder.get(r.url);
                builder.addHeader("X-Request-Id", r.id);
                if (r.keyed) {
                    builder.addHeader("Idempotency-Key", r.id);
                }
                CompletableFuture<Integer> status = new CompletableFuture<>();
                client.execute(builder.build(), new org.apache.hc.core5.concurrent.FutureCallback<
                        org.apache.hc.client5.http.async.methods.SimpleHttpResponse>() {
                    @Override
                    public void completed(org.apache.hc.client5.http.async.methods.SimpleHttpResponse response) {
                        status.complete(response.getCode());
                    }

                    @Override
                    public void failed(Exception e) {
                        status.completeExceptionally(e);
                    }

                    @Override
                    public void cancelled() {
                        status.cancel(false);
                    }
                });
                return status;
            };
        }
    }

    static final class Apache4 {
        static Blocking create() {
            org.apache.http.impl.client.CloseableHttpClient client = org.apache.http.impl.client.HttpClients.createDefault();
            return r -> {
                org.apache.http.client.methods.HttpRequestBase request;
                if (r.method.equals("POST")) {
                    org.apache.http.client.methods.HttpPost post = new org.apache.http.client.methods.HttpPost(r.url);
                    post.setEntity(new org.apache.http.entity.StringEntity(r.body, org.apache.http.entity.ContentType.APPLICATION_JSON));
                    request = post;
                } else {
                    request = new org.apache.http.client.methods.HttpGet(r.url);
                }
                request.addHeader("X-Request-Id", r.id);
                if (r.keyed) {
                    request.addHeader("Idempotency-Key", r.id);
                }
                try (org.apache.http.client.methods.CloseableHttpResponse response = client.execute(request)) {
                    org.apache.http.util.EntityUtils.consume(response.getEntity());
                    return response.getStatusLine().getStatusCode();
                }
            };
        }
    }

    static okhttp3.Request okRequest(Request r) {
        okhttp3.Request.Builder builder = new okhttp3.Request.Builder().url(r.url).header("X-Request-Id", r.id);
        if (r.method.equals("POST")) {
            builder.post(okhttp3.RequestBody.create(r.body.getBytes(StandardCharsets.UTF_8),
                    okhttp3.MediaType.parse("application/json")));
        }
        if (r.keyed) {
            builder.header("Idempotency-Key", r.id);
        }
        return builder.build();
    }

    static final class OkHttpBlocking {
        static Blocking create() {
            okhttp3.OkHttpClient client = new okhttp3.OkHttpClient();
            return r -> {
                try (okhttp3.Response response = client.newCall(okRequest(r)).execute()) {
                    response.body().bytes();
                    return response.code();
                }
            };
        }
    }

    static final class OkHttpAsync {
        static Async create() {
            okhttp3.OkHttpClient client = new okhttp3.OkHttpClient();
            return r -> {
                CompletableFuture<Integer> status = new CompletableFuture<>();
                client.newCall(okRequest(r)).enqueue(new okhttp3.Callback() {
                    @Override
                    public void onFailure(okhttp3.Call call, IOException e) {
                        status.completeExceptionally(e);
                    }

                    @Override
                    public void onResponse(okhttp3.Call call, okhttp3.Response response) {
                        try (okhttp3.Response r2 = response) {
                            r2.body().bytes();
                            status.complete(r2.code());
                        } catch (IOException e) {
                            status.completeExceptionally(e);
                        }
                    }
                });
                return status;
            };
        }
    }
}

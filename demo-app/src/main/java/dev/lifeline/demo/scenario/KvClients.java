package dev.lifeline.demo.scenario;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The HTTP clients incident 3's application may be written with, each built as an ordinary
 * application builds it, at its defaults: the JDK's {@code HttpClient}, Apache HttpClient 5
 * ({@code HttpClients.createDefault()}), Apache HttpClient 4.5 ({@code HttpClients.createDefault()})
 * and OkHttp ({@code new OkHttpClient()}). Each class loads only its own library.
 */
final class KvClients {

    /** What the application looks at in a reply. */
    static final class Reply {
        final int status;
        final String contentType;
        final String body;

        Reply(int status, String contentType, String body) {
            this.status = status;
            this.contentType = contentType == null ? "?" : contentType;
            this.body = body == null ? "" : body;
        }
    }

    /** GET or PUT (with {@code value} as the body) of one URL. */
    interface Client {
        Reply send(String method, String url, String value) throws IOException, InterruptedException;
    }

    private KvClients() {
    }

    /** The names {@code client=} accepts. */
    static final String NAMES = "jdk, hc5, hc4, okhttp";

    static Client create(String name) {
        switch (name) {
            case "jdk":
                return jdk();
            case "hc5":
                return Apache5.create();
            case "hc4":
                return Apache4.create();
            case "okhttp":
                return Ok.create();
            default:
                throw new IllegalArgumentException("client=" + name + ": one of " + NAMES);
        }
    }

    private static Client jdk() {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        return (method, url, value) -> {
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
            builder = value == null ? builder.GET() : builder.PUT(HttpRequest.BodyPublishers.ofString(value));
            HttpResponse<String> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(null), response.body());
        };
    }

    static final class Apache5 {
        static Client create() {
            org.apache.hc.client5.http.impl.classic.CloseableHttpClient client =
                    org.apache.hc.client5.http.impl.classic.HttpClients.createDefault();
            return (method, url, value) -> {
                org.apache.hc.core5.http.io.support.ClassicRequestBuilder builder = value == null
                        ? org.apache.hc.core5.http.io.support.ClassicRequestBuilder.get(url)
                        : org.apache.hc.core5.http.io.support.ClassicRequestBuilder.put(url).setEntity(
                                new org.apache.hc.core5.http.io.entity.StringEntity(value, StandardCharsets.UTF_8));
                return client.execute(builder.build(), response -> {
                    org.apache.hc.core5.http.Header type = response.getFirstHeader("Content-Type");
                    String body = response.getEntity() == null ? ""
                            : org.apache.hc.core5.http.io.entity.EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
                    return new Reply(response.getCode(), type == null ? null : type.getValue(), body);
                });
            };
        }
    }

    static final class Apache4 {
        static Client create() {
            org.apache.http.impl.client.CloseableHttpClient client = org.apache.http.impl.client.HttpClients.createDefault();
            return (method, url, value) -> {
                org.apache.http.client.methods.HttpRequestBase request;
                if (value == null) {
                    request = new org.apache.http.client.methods.HttpGet(url);
                } else {
                    org.apache.http.client.methods.HttpPut put = new org.apache.http.client.methods.HttpPut(url);
                    put.setEntity(new org.apache.http.entity.StringEntity(value, StandardCharsets.UTF_8));
                    request = put;
                }
                try (org.apache.http.client.methods.CloseableHttpResponse response = client.execute(request)) {
                    org.apache.http.Header type = response.getFirstHeader("Content-Type");
                    String body = response.getEntity() == null ? ""
                            : org.apache.http.util.EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
                    return new Reply(response.getStatusLine().getStatusCode(), type == null ? null : type.getValue(), body);
                }
            };
        }
    }

    static final class Ok {
        static Client create() {
            okhttp3.OkHttpClient client = new okhttp3.OkHttpClient();
            return (method, url, value) -> {
                okhttp3.Request.Builder builder = new okhttp3.Request.Builder().url(url);
                if (value != null) {
                    builder.put(okhttp3.RequestBody.create(value.getBytes(StandardCharsets.UTF_8),
                            okhttp3.MediaType.parse("text/plain; charset=utf-8")));
                }
                try (okhttp3.Response response = client.newCall(builder.build()).execute()) {
                    return new Reply(response.code(), response.header("Content-Type"), response.body().string());
                }
            };
        }
    }
}

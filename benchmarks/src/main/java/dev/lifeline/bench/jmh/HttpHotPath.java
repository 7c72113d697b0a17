package dev.lifeline.bench.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One GET at a time through each HTTP client library, answered inside the client without I/O: what
 * Lifeline adds to a call of Apache HttpClient 5, Apache HttpClient 4.5 and OkHttp 4, which the
 * whole-JVM rows can only show as a fraction of a loopback round trip and its noise.
 *
 * <p>Each client is built the way an application builds one, plus one hook of the library's own
 * that answers every request with a canned 200 before any connection is leased: HttpClient 5's
 * first exec interceptor, HttpClient 4's main exec (a builder subclass), OkHttp's first
 * application interceptor. Lifeline's woven entry points ({@code doExecute}, {@code
 * RealCall.execute}) sit above those hooks, so everything Lifeline does per call runs: reading the
 * request, the caps, the breaker, the retry loop's first attempt, metrics.
 *
 * <p>The fork check is behavioural, since there is no wrapper object to look at: at set-up each
 * client's twin answers one GET with 503 and then 200. With the agent, Lifeline retries it (2
 * answers); without it, no retry of the client's own runs above the hook (1 answer).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx256m", "-XX:+UseG1GC"})
public class HttpHotPath {

    static final URI URL = URI.create("http://api.example.test/items/1");

    /** Answers 200, or 503 to its first {@code failFirst} requests; counts what it answered. */
    static final class Answers {
        final int failFirst;
        final AtomicInteger answered = new AtomicInteger();

        Answers(int failFirst) {
            this.failFirst = failFirst;
        }

        int next() {
            return answered.incrementAndGet() <= failFirst ? 503 : 200;
        }
    }

    /** Something done with a client: a GET, or closing it. */
    interface ClientAction<C> {
        void run(C client) throws IOException;
    }

    /**
     * The fork check, then the client to measure: a twin built to answer 503 and then 200 gets one
     * GET and is closed, and the number of answers it gave says whether Lifeline retried.
     */
    static <C> C checkedClient(String what, Function<Answers, C> build, ClientAction<C> get, ClientAction<C> close)
            throws IOException {
        Answers probe = new Answers(1);
        C twin = build.apply(probe);
        try {
            get.run(twin);
        } finally {
            close.run(twin);
        }
        ForkExpectation.checkAnswers(what, probe.answered.get());
        return build.apply(new Answers(0));
    }

    // ------------------------------------------------------------------ Apache HttpClient 5

    static org.apache.hc.client5.http.impl.classic.CloseableHttpClient hc5(Answers answers) {
        return org.apache.hc.client5.http.impl.classic.HttpClients.custom()
                .addExecInterceptorFirst("canned", (request, scope, chain) -> {
                    org.apache.hc.core5.http.message.BasicClassicHttpResponse response =
                            new org.apache.hc.core5.http.message.BasicClassicHttpResponse(answers.next());
                    response.setEntity(new org.apache.hc.core5.http.io.entity.StringEntity("ok"));
                    return response;
                })
                .build();
    }

    static int hc5Get(org.apache.hc.client5.http.impl.classic.CloseableHttpClient client) throws IOException {
        return client.execute(new org.apache.hc.client5.http.classic.methods.HttpGet(URL), response -> {
            org.apache.hc.core5.http.io.entity.EntityUtils.consume(response.getEntity());
            return response.getCode();
        });
    }

    @State(Scope.Thread)
    public static class Hc5 {
        org.apache.hc.client5.http.impl.classic.CloseableHttpClient client;

        @Setup(Level.Trial)
        public void open() throws IOException {
            client = checkedClient("Apache HttpClient 5 execute", HttpHotPath::hc5, HttpHotPath::hc5Get, c -> c.close());
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            client.close();
        }
    }

    @Benchmark
    public int hc5Execute(Hc5 state) throws IOException {
        return hc5Get(state.client);
    }

    // ------------------------------------------------------------------ Apache HttpClient 4.5

    /** A response of HttpClient 4 that is Closeable, as {@code execute} returns. */
    static final class CannedHc4Response extends org.apache.http.message.BasicHttpResponse
            implements org.apache.http.client.methods.CloseableHttpResponse {
        CannedHc4Response(int status) {
            super(org.apache.http.HttpVersion.HTTP_1_1, status, status == 200 ? "OK" : "Service Unavailable");
            setEntity(new org.apache.http.entity.StringEntity("ok", org.apache.http.entity.ContentType.TEXT_PLAIN));
        }

        @Override
        public void close() {
        }
    }

    static org.apache.http.impl.client.CloseableHttpClient hc4(Answers answers) {
        return new org.apache.http.impl.client.HttpClientBuilder() {
            @Override
            protected org.apache.http.impl.execchain.ClientExecChain decorateMainExec(
                    org.apache.http.impl.execchain.ClientExecChain mainExec) {
                return (route, request, context, aware) -> new CannedHc4Response(answers.next());
            }
        }.build();
    }

    static int hc4Get(org.apache.http.impl.client.CloseableHttpClient client) throws IOException {
        try (org.apache.http.client.methods.CloseableHttpResponse response =
                     client.execute(new org.apache.http.client.methods.HttpGet(URL))) {
            org.apache.http.util.EntityUtils.consume(response.getEntity());
            return response.getStatusLine().getStatusCode();
        }
    }

    @State(Scope.Thread)
    public static class Hc4 {
        org.apache.http.impl.client.CloseableHttpClient client;

        @Setup(Level.Trial)
        public void open() throws IOException {
            client = checkedClient("Apache HttpClient 4 execute", HttpHotPath::hc4, HttpHotPath::hc4Get, c -> c.close());
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            client.close();
        }
    }

    @Benchmark
    public int hc4Execute(Hc4 state) throws IOException {
        return hc4Get(state.client);
    }

    // ------------------------------------------------------------------ OkHttp 4

    static okhttp3.OkHttpClient okhttp(Answers answers) {
        return new okhttp3.OkHttpClient.Builder()
                .addInterceptor(chain -> {
                    int status = answers.next();
                    return new okhttp3.Response.Builder()
                            .request(chain.request())
                            .protocol(okhttp3.Protocol.HTTP_1_1)
                            .code(status)
                            .message(status == 200 ? "OK" : "Service Unavailable")
                            .body(okhttp3.ResponseBody.create("ok", null))
                            .build();
                })
                .build();
    }

    static int okhttpGet(okhttp3.OkHttpClient client, okhttp3.Request request) throws IOException {
        try (okhttp3.Response response = client.newCall(request).execute()) {
            response.body().string();
            return response.code();
        }
    }

    @State(Scope.Thread)
    public static class OkHttp {
        okhttp3.OkHttpClient client;
        okhttp3.Request request;

        @Setup(Level.Trial)
        public void open() throws IOException {
            request = new okhttp3.Request.Builder().url(URL.toString()).build();
            client = checkedClient("OkHttp Call.execute", HttpHotPath::okhttp, c -> okhttpGet(c, request),
                    c -> c.dispatcher().executorService().shutdown());
        }

        @TearDown(Level.Trial)
        public void close() {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }

    @Benchmark
    public int okhttpExecute(OkHttp state) throws IOException {
        return okhttpGet(state.client, state.request);
    }
}

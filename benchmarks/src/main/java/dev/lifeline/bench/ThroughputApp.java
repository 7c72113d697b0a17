package dev.lifeline.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The application measured for throughput and per-call latency, run in a child JVM without an
 * agent, with Lifeline, or with OpenTelemetry. It is written the way ordinary applications are:
 * borrow a connection from HikariCP per operation, prepare, execute, close; one shared
 * {@link HttpClient}. Nothing fails here: this is the cost of the agent on the fast path.
 *
 * <p>For each workload: its threads run for the warm-up, then for the measured window, in a
 * fixed-duration loop; every call in the window is timed. Prints one line per workload:
 * {@code RESULT workload=select threads=2 calls=.. seconds=.. ops_per_s=.. p50_ns=.. p99_ns=.. cpu_ns_per_call=.. caller_cpu_ns_per_call=.. errors=..}.
 *
 * <pre>ThroughputApp jdbcUrl httpUrl warmupMs measureMs select,insert,http,http-hc5,http-hc4,http-okhttp</pre>
 */
public final class ThroughputApp {

    /** One call of the workload. */
    /**
     * CPU time of this whole process (worker threads, the HTTP client's selector thread, JIT, GC):
     * what the agent costs per call, and unlike wall time hardly moved by other processes on a
     * shared machine.
     */
    private static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    interface Call {
        void run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        String jdbcUrl = args[0];
        URI httpUri = URI.create(args[1]);
        long warmupMs = Long.parseLong(args[2]);
        long measureMs = Long.parseLong(args[3]);
        String[] workloads = args[4].split(",");

        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setPoolName("bench");
        config.setMaximumPoolSize(2);
        config.setMinimumIdle(2);
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        HttpRequest get = HttpRequest.newBuilder(httpUri).GET().timeout(Duration.ofSeconds(5)).build();

        try (HikariDataSource pool = new HikariDataSource(config)) {
            for (String workload : workloads) {
                switch (workload) {
                    case "select":
                        // SELECT 1 through HikariCP from 2 threads (issue 8).
                        measure(workload, 2, warmupMs, measureMs, () -> {
                            try (Connection c = pool.getConnection();
                                 PreparedStatement ps = c.prepareStatement("select 1");
                                 ResultSet rs = ps.executeQuery()) {
                                rs.next();
                                rs.getInt(1);
                            }
                        });
                        break;
                    case "insert":
                        // An autocommit single-row insert, bound parameter, one thread.
                        AtomicLong next = new AtomicLong();
                        measure(workload, 1, warmupMs, measureMs, () -> {
                            try (Connection c = pool.getConnection();
                                 PreparedStatement ps = c.prepareStatement("insert into bench_insert(v) values (?)")) {
                                ps.setLong(1, next.incrementAndGet());
                                ps.executeUpdate();
                            }
                        });
                        break;
                    case "http":
                        // GET on a loopback server in the runner's JVM, one thread, keep-alive.
                        measure(workload, 1, warmupMs, measureMs, () -> {
                            HttpResponse<String> response = http.send(get, HttpResponse.BodyHandlers.ofString());
                            if (response.statusCode() != 200) {
                                throw new IllegalStateException("HTTP " + response.statusCode());
                            }
                        });
                        break;
                    case "http-hc5": {
                        // The same GET through Apache HttpClient 5 at its defaults (issue 13).
                        org.apache.hc.client5.http.impl.classic.CloseableHttpClient client =
                                org.apache.hc.client5.http.impl.classic.HttpClients.createDefault();
                        measure(workload, 1, warmupMs, measureMs, () -> {
                            int status = client.execute(new org.apache.hc.client5.http.classic.methods.HttpGet(httpUri), response -> {
                                org.apache.hc.core5.http.io.entity.EntityUtils.consume(response.getEntity());
                                return response.getCode();
                            });
                            if (status != 200) {
                                throw new IllegalStateException("HTTP " + status);
                            }
                        });
                        client.close();
                        break;
                    }
                    case "http-hc4": {
                        org.apache.http.impl.client.CloseableHttpClient client = org.apache.http.impl.client.HttpClients.createDefault();
                        measure(workload, 1, warmupMs, measureMs, () -> {
                            try (org.apache.http.client.methods.CloseableHttpResponse response =
                                         client.execute(new org.apache.http.client.methods.HttpGet(httpUri))) {
                                org.apache.http.util.EntityUtils.consume(response.getEntity());
                                if (response.getStatusLine().getStatusCode() != 200) {
                                    throw new IllegalStateException("HTTP " + response.getStatusLine().getStatusCode());
                                }
                            }
                        });
                        client.close();
                        break;
                    }
                    case "http-okhttp": {
                        okhttp3.OkHttpClient client = new okhttp3.OkHttpClient();
                        okhttp3.Request request = new okhttp3.Request.Builder().url(httpUri.toString()).build();
                        measure(workload, 1, warmupMs, measureMs, () -> {
                            try (okhttp3.Response response = client.newCall(request).execute()) {
                                response.body().bytes();
                                if (response.code() != 200) {
                                    throw new IllegalStateException("HTTP " + response.code());
                                }
                            }
                        });
                        client.dispatcher().executorService().shutdown();
                        client.connectionPool().evictAll();
                        break;
                    }
                    default:
                        throw new IllegalArgumentException("unknown workload " + workload);
                }
            }
        }
    }

    private static void measure(String name, int threads, long warmupMs, long measureMs, Call call) throws Exception {
        List<LatencyRecorder> recorders = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        AtomicLong errors = new AtomicLong();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        Window window = new Window();
        for (int t = 0; t < threads; t++) {
            LatencyRecorder recorder = new LatencyRecorder(2_000_000);
            recorders.add(recorder);
            Thread worker = new Thread(() -> {
                while (!window.stop) {
                    long started = System.nanoTime();
                    try {
                        call.run();
                    } catch (Throwable e) {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, e);
                        continue;
                    }
                    // Only calls that started inside the measured window count.
                    if (window.measuring && started >= window.startedNanos) {
                        recorder.record(System.nanoTime() - started);
                    }
                }
            }, name + "-" + t);
            workers.add(worker);
        }
        workers.forEach(Thread::start);
        Thread.sleep(warmupMs);
        long cpuStarted = PROCESS.getProcessCpuTime();
        long callerCpuStarted = threadsCpu(workers);
        window.startedNanos = System.nanoTime();
        window.measuring = true;
        Thread.sleep(measureMs);
        long endedNanos = System.nanoTime();
        long cpuNanos = PROCESS.getProcessCpuTime() - cpuStarted;
        long callerCpuNanos = threadsCpu(workers) - callerCpuStarted;
        window.stop = true;
        for (Thread worker : workers) {
            worker.join();
        }
        long calls = 0;
        for (LatencyRecorder recorder : recorders) {
            calls += recorder.calls();
        }
        long[] sorted = LatencyRecorder.sortedUnion(recorders);
        double seconds = (endedNanos - window.startedNanos) / 1e9;
        System.out.printf(Locale.ROOT, "RESULT workload=%s threads=%d calls=%d seconds=%.3f ops_per_s=%.1f p50_ns=%d p99_ns=%d cpu_ns_per_call=%.0f caller_cpu_ns_per_call=%.0f errors=%d%n",
                name, threads, calls, seconds, calls / seconds,
                Stats.percentile(sorted, 50), Stats.percentile(sorted, 99), (double) cpuNanos / calls,
                (double) callerCpuNanos / calls, errors.get());
        if (firstError.get() != null) {
            System.out.println("FIRST_ERROR " + firstError.get());
        }
    }

    /**
     * CPU time of the calling threads only: the work on the call's own path (for JDBC and the
     * blocking HTTP clients, all of it, kernel time of its socket calls included), without the JIT
     * compiling in the background or GC, which on a 2-core machine move with everything else.
     */
    private static long threadsCpu(List<Thread> workers) {
        long sum = 0;
        for (Thread worker : workers) {
            long t = THREADS.getThreadCpuTime(worker.getId());
            if (t > 0) {
                sum += t;
            }
        }
        return sum;
    }

    private static final class Window {
        volatile boolean measuring;
        volatile boolean stop;
        volatile long startedNanos = Long.MAX_VALUE;
    }
}

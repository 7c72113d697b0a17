package dev.lifeline.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * The application measured for throughput and per-call latency, run in a child JVM without an
 * agent, with Lifeline, or with OpenTelemetry. It is written the way ordinary applications are:
 * borrow a connection from HikariCP per operation, prepare, execute, close; one shared
 * {@link HttpClient}. Nothing fails here: this is the cost of the agent on the fast path.
 *
 * <p>A workload's threads run a call in a loop while the workload is let run, and wait between
 * calls while it is held, so that the runner can measure the three setups' JVMs in turn, in short
 * slices, instead of one JVM after the other: on a shared machine the neighbours' load then lands
 * on every setup alike. Every call that starts inside a measured slice is timed.
 *
 * <pre>ThroughputApp jdbcUrl httpUrl</pre> takes commands on standard input, one per line, and
 * answers each with one line:
 * <ul>
 *   <li>{@code warmup WORKLOAD MS}: starts the workload (once) and lets it run unmeasured;
 *       answers {@code WARM workload=..};</li>
 *   <li>{@code slice WORKLOAD SETTLE_MS MS}: lets it run for SETTLE_MS unmeasured, then for a
 *       measured MS, and holds it again; answers {@code SLICE workload=.. calls=.. seconds=..}
 *       with that slice's figures;</li>
 *   <li>{@code end WORKLOAD}: stops its threads and answers with the figures of all its slices:
 *       {@code RESULT workload=select threads=2 calls=.. seconds=.. ops_per_s=.. p50_ns=.. p99_ns=..
 *       cpu_ns_per_call=.. caller_cpu_ns_per_call=.. bytes_per_call=.. errors=..};</li>
 *   <li>{@code quit}.</li>
 * </ul>
 * <pre>ThroughputApp jdbcUrl httpUrl warmupMs measureMs select,insert,http,http-hc5,http-hc4,http-okhttp</pre>
 * runs each workload once, warm-up then one measured window, for a run by hand (a profiler, say).
 */
public final class ThroughputApp {

    /**
     * CPU time of this whole process (worker threads, the HTTP client's selector thread, JIT, GC):
     * what the agent costs per call, and unlike wall time hardly moved by other processes on a
     * shared machine.
     */
    private static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();

    /** One call of the workload. */
    interface Call {
        void run() throws Exception;
    }

    private final HikariDataSource pool;
    private final HttpClient http;
    private final URI httpUri;
    private final Map<String, Workload> running = new HashMap<>();

    private ThroughputApp(String jdbcUrl, URI httpUri) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setPoolName("bench");
        config.setMaximumPoolSize(2);
        config.setMinimumIdle(2);
        this.pool = new HikariDataSource(config);
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        this.httpUri = httpUri;
    }

    public static void main(String[] args) throws Exception {
        ThroughputApp app = new ThroughputApp(args[0], URI.create(args[1]));
        try {
            if (args.length > 2) {
                long warmupMs = Long.parseLong(args[2]);
                long measureMs = Long.parseLong(args[3]);
                for (String workload : args[4].split(",")) {
                    app.command("warmup " + workload + " " + warmupMs);
                    app.command("slice " + workload + " 0 " + measureMs);
                    app.command("end " + workload);
                }
                return;
            }
            System.out.println("READY");
            BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = commands.readLine()) != null && !line.equals("quit"); ) {
                app.command(line);
            }
        } finally {
            for (Workload w : app.running.values()) {
                w.stop();
            }
            app.pool.close();
        }
    }

    private void command(String line) throws Exception {
        String[] words = line.trim().split(" +");
        if (words.length < 2) {
            throw new IllegalArgumentException("command without a workload: '" + line + "'; expected warmup, slice or end WORKLOAD ..., or quit");
        }
        Workload workload = running.get(words[1]);
        if (workload == null && !words[0].equals("warmup")) {
            throw new IllegalArgumentException("'" + line + "': workload " + words[1] + " was not warmed up (or has ended)");
        }
        switch (words[0]) {
            case "warmup":
                if (workload == null) {
                    workload = start(words[1]);
                    running.put(words[1], workload);
                }
                workload.let(Long.parseLong(words[2]));
                System.out.println("WARM workload=" + words[1]);
                break;
            case "slice":
                System.out.println("SLICE " + workload.slice(Long.parseLong(words[2]), Long.parseLong(words[3])));
                break;
            case "end":
                running.remove(words[1]);
                System.out.println("RESULT " + workload.end());
                if (workload.firstError.get() != null) {
                    System.out.println("FIRST_ERROR " + workload.firstError.get());
                }
                break;
            default:
                throw new IllegalArgumentException("unknown command " + line);
        }
        System.out.flush();
    }

    /** The SELECT 1 call: borrow, prepare, execute, read, close (also counted by {@link InstructionsApp}). */
    static int selectOne(DataSource pool) throws SQLException {
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("select 1");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** The INSERT call: borrow, prepare, bind {@code v}, execute, close (also counted by {@link InstructionsApp}). */
    static void insertRow(DataSource pool, long v) throws SQLException {
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("insert into bench_insert(v) values (?)")) {
            ps.setLong(1, v);
            ps.executeUpdate();
        }
    }

    private Workload start(String name) throws Exception {
        switch (name) {
            case "select":
                // SELECT 1 through HikariCP from 2 threads (issue 8).
                return new Workload(name, 2, () -> selectOne(pool), null);
            case "insert": {
                // An autocommit single-row insert, bound parameter, one thread.
                AtomicLong next = new AtomicLong();
                return new Workload(name, 1, () -> insertRow(pool, next.incrementAndGet()), null);
            }
            case "http": {
                // GET on a loopback server in the runner's JVM, one thread, keep-alive.
                HttpRequest get = HttpRequest.newBuilder(httpUri).GET().timeout(Duration.ofSeconds(5)).build();
                return new Workload(name, 1, () -> {
                    HttpResponse<String> response = http.send(get, HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("HTTP " + response.statusCode());
                    }
                }, null);
            }
            case "http-hc5": {
                // The same GET through Apache HttpClient 5 at its defaults (issue 13).
                org.apache.hc.client5.http.impl.classic.CloseableHttpClient client =
                        org.apache.hc.client5.http.impl.classic.HttpClients.createDefault();
                return new Workload(name, 1, () -> {
                    int status = client.execute(new org.apache.hc.client5.http.classic.methods.HttpGet(httpUri), response -> {
                        org.apache.hc.core5.http.io.entity.EntityUtils.consume(response.getEntity());
                        return response.getCode();
                    });
                    if (status != 200) {
                        throw new IllegalStateException("HTTP " + status);
                    }
                }, client::close);
            }
            case "http-hc4": {
                org.apache.http.impl.client.CloseableHttpClient client = org.apache.http.impl.client.HttpClients.createDefault();
                return new Workload(name, 1, () -> {
                    try (org.apache.http.client.methods.CloseableHttpResponse response =
                                 client.execute(new org.apache.http.client.methods.HttpGet(httpUri))) {
                        org.apache.http.util.EntityUtils.consume(response.getEntity());
                        if (response.getStatusLine().getStatusCode() != 200) {
                            throw new IllegalStateException("HTTP " + response.getStatusLine().getStatusCode());
                        }
                    }
                }, client::close);
            }
            case "http-okhttp": {
                okhttp3.OkHttpClient client = new okhttp3.OkHttpClient();
                okhttp3.Request request = new okhttp3.Request.Builder().url(httpUri.toString()).build();
                return new Workload(name, 1, () -> {
                    try (okhttp3.Response response = client.newCall(request).execute()) {
                        response.body().bytes();
                        if (response.code() != 200) {
                            throw new IllegalStateException("HTTP " + response.code());
                        }
                    }
                }, () -> {
                    client.dispatcher().executorService().shutdown();
                    client.connectionPool().evictAll();
                });
            }
            default:
                throw new IllegalArgumentException("unknown workload " + name);
        }
    }

    /**
     * A workload's threads and its figures so far. The threads check a flag between calls; while
     * the workload is held they wait on this object, so a held JVM does no work of its own while
     * another is measured.
     */
    private static final class Workload {
        final String name;
        final List<LatencyRecorder> recorders = new ArrayList<>();
        final List<Thread> workers = new ArrayList<>();
        final AutoCloseable resource;
        final AtomicLong errors = new AtomicLong();
        final AtomicReference<Throwable> firstError = new AtomicReference<>();
        volatile boolean runs;
        volatile boolean stopped;
        /** Calls that start in [from, to) are timed. */
        volatile long from = Long.MAX_VALUE;
        volatile long to = Long.MAX_VALUE;
        private int waiting;
        long calls;
        long nanos;
        long cpuNanos;
        long callerCpuNanos;
        /** Allocated by the calling threads: the calls' own garbage (the settling and the calls in flight at the end slightly added). */
        long allocatedBytes;

        Workload(String name, int threads, Call call, AutoCloseable resource) {
            this.name = name;
            this.resource = resource;
            for (int t = 0; t < threads; t++) {
                LatencyRecorder recorder = new LatencyRecorder(2_000_000);
                recorders.add(recorder);
                workers.add(new Thread(() -> loop(call, recorder), name + "-" + t));
            }
            workers.forEach(Thread::start);
            awaitHeld();
        }

        private void loop(Call call, LatencyRecorder recorder) {
            while (true) {
                if (!runs && !hold()) {
                    return;
                }
                long started = System.nanoTime();
                try {
                    call.run();
                } catch (Throwable e) {
                    errors.incrementAndGet();
                    firstError.compareAndSet(null, e);
                    continue;
                }
                if (started >= from && started < to) {
                    recorder.record(System.nanoTime() - started);
                }
            }
        }

        /** Waits until the workload is let run (true) or stopped (false). */
        private synchronized boolean hold() {
            waiting++;
            notifyAll();
            try {
                while (!runs && !stopped) {
                    wait();
                }
            } catch (InterruptedException e) {
                return false;
            } finally {
                waiting--;
            }
            return !stopped;
        }

        private synchronized void release() {
            runs = true;
            notifyAll();
        }

        /** Holds the workload and waits until every thread has finished its call. */
        private synchronized void awaitHeld() {
            runs = false;
            try {
                while (waiting < workers.size()) {
                    wait();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void let(long ms) throws InterruptedException {
            release();
            Thread.sleep(ms);
            awaitHeld();
        }

        String slice(long settleMs, long ms) throws InterruptedException {
            long callsBefore = recordedCalls();
            release();
            Thread.sleep(settleMs);
            long cpuStarted = PROCESS.getProcessCpuTime();
            long callerCpuStarted = threadsCpu(workers);
            long allocatedStarted = threadsAllocated(workers);
            long started = System.nanoTime();
            from = started;
            Thread.sleep(ms);
            long ended = System.nanoTime();
            to = ended;
            long cpu = PROCESS.getProcessCpuTime() - cpuStarted;
            long callerCpu = threadsCpu(workers) - callerCpuStarted;
            awaitHeld();
            long allocated = threadsAllocated(workers) - allocatedStarted;
            from = Long.MAX_VALUE;
            to = Long.MAX_VALUE;
            long sliceCalls = recordedCalls() - callsBefore;
            calls += sliceCalls;
            nanos += ended - started;
            cpuNanos += cpu;
            callerCpuNanos += callerCpu;
            allocatedBytes += allocated;
            return String.format(Locale.ROOT, "workload=%s calls=%d seconds=%.3f ops_per_s=%.1f cpu_ns_per_call=%.0f caller_cpu_ns_per_call=%.0f bytes_per_call=%.0f",
                    name, sliceCalls, (ended - started) / 1e9, sliceCalls / ((ended - started) / 1e9),
                    (double) cpu / sliceCalls, (double) callerCpu / sliceCalls, (double) allocated / sliceCalls);
        }

        String end() throws Exception {
            stop();
            long[] sorted = LatencyRecorder.sortedUnion(recorders);
            double seconds = nanos / 1e9;
            return String.format(Locale.ROOT, "workload=%s threads=%d calls=%d seconds=%.3f ops_per_s=%.1f p50_ns=%d p99_ns=%d cpu_ns_per_call=%.0f caller_cpu_ns_per_call=%.0f bytes_per_call=%.0f errors=%d",
                    name, workers.size(), calls, seconds, calls / seconds,
                    Stats.percentile(sorted, 50), Stats.percentile(sorted, 99), (double) cpuNanos / calls,
                    (double) callerCpuNanos / calls, (double) allocatedBytes / calls, errors.get());
        }

        void stop() throws Exception {
            synchronized (this) {
                stopped = true;
                notifyAll();
            }
            for (Thread worker : workers) {
                worker.join();
            }
            if (resource != null) {
                resource.close();
            }
        }

        private long recordedCalls() {
            long n = 0;
            for (LatencyRecorder r : recorders) {
                n += r.calls();
            }
            return n;
        }
    }

    /**
     * CPU time of the calling threads only: the work on the call's own path (for JDBC and the
     * blocking HTTP clients, all of it, kernel time of its socket calls included), without the JIT
     * compiling in the background or GC, which on a 2-core machine move with everything else.
     */
    private static long threadsCpu(List<Thread> workers) {
        return sum(workers, THREADS::getThreadCpuTime);
    }

    /** Bytes allocated by the calling threads so far. */
    private static long threadsAllocated(List<Thread> workers) {
        return sum(workers, THREADS::getThreadAllocatedBytes);
    }

    /** The sum of a per-thread figure (-1, unknown, counts as 0). */
    private static long sum(List<Thread> workers, java.util.function.LongUnaryOperator figureOfThreadId) {
        long sum = 0;
        for (Thread worker : workers) {
            sum += Math.max(0, figureOfThreadId.applyAsLong(worker.getId()));
        }
        return sum;
    }
}

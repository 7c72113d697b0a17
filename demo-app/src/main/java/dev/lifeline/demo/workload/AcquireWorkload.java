package dev.lifeline.demo.workload;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;

/**
 * An ordinary JDBC application, with no knowledge of Lifeline: threads that each open a
 * connection per operation (incident 4's "no pooling", incident 5's many clients), run a short
 * query, and close it. Run as a child JVM, once without and once with the agent; it reports what
 * the application itself saw on standard output:
 * <pre>
 * RESULT ok=N failed=M states=53300:3,08001:1 elapsedMs=T
 * FAILURE type=... sqlstate=... suppressed=K elapsedMs=T message=...
 * </pre>
 * Arguments are {@code key=value}: url (required), threads (20), ops per thread (10), holdMs (50,
 * time a connection is held), pauseMs (0, between operations), mode (driver | hikari),
 * poolSize (10, hikari), connectionTimeoutMs (30000, hikari), applicationName, gate (after the
 * RESULT line, wait for this file before exiting: the test reads the agent's /health meanwhile).
 */
public final class AcquireWorkload {

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Options.parse(args);
        String url = options.get("url");
        int threads = Integer.parseInt(options.getOrDefault("threads", "20"));
        int ops = Integer.parseInt(options.getOrDefault("ops", "10"));
        long holdMs = Long.parseLong(options.getOrDefault("holdMs", "50"));
        long pauseMs = Long.parseLong(options.getOrDefault("pauseMs", "0"));
        String mode = options.getOrDefault("mode", "driver");
        String appName = options.getOrDefault("applicationName", "lifeline-workload");
        String fullUrl = url + (url.contains("?") ? "&" : "?") + "ApplicationName=" + appName;

        HikariDataSource pool = null;
        DataSource dataSource = null;
        if (mode.equals("hikari")) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(fullUrl);
            config.setMaximumPoolSize(Integer.parseInt(options.getOrDefault("poolSize", "10")));
            config.setConnectionTimeout(Long.parseLong(options.getOrDefault("connectionTimeoutMs", "30000")));
            config.setInitializationFailTimeout(-1);
            pool = new HikariDataSource(config);
            dataSource = pool;
        }

        AtomicInteger ok = new AtomicInteger();
        LongAdder failed = new LongAdder();
        Map<String, AtomicInteger> states = new ConcurrentHashMap<>();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        DataSource ds = dataSource;
        long begin = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < ops; i++) {
                    long opStart = System.nanoTime();
                    try (Connection connection = ds != null ? ds.getConnection() : DriverManager.getConnection(fullUrl);
                         Statement statement = connection.createStatement()) {
                        String sql = holdMs > 0 ? "select pg_sleep(" + (holdMs / 1000.0) + "), 1" : "select 1";
                        try (ResultSet rs = statement.executeQuery(sql)) {
                            rs.next();
                        }
                        ok.incrementAndGet();
                    } catch (SQLException e) {
                        failed.increment();
                        String state = String.valueOf(e.getSQLState());
                        states.computeIfAbsent(state, s -> new AtomicInteger()).incrementAndGet();
                        long suppressed = java.util.Arrays.stream(e.getSuppressed()).filter(s -> s instanceof SQLException).count();
                        failures.add("FAILURE type=" + e.getClass().getName() + " sqlstate=" + state
                                + " suppressed=" + suppressed
                                + " elapsedMs=" + (System.nanoTime() - opStart) / 1_000_000
                                + " message=" + oneLine(e.getMessage()));
                    }
                    if (pauseMs > 0) {
                        try {
                            Thread.sleep(pauseMs);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            }, "workload-" + t);
            workers.add(worker);
            worker.start();
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        long elapsedMs = (System.nanoTime() - begin) / 1_000_000;
        if (pool != null) {
            pool.close();
        }
        synchronized (failures) {
            failures.stream().limit(20).forEach(System.out::println);
        }
        StringBuilder stateText = new StringBuilder();
        states.forEach((state, count) -> stateText.append(stateText.length() == 0 ? "" : ",").append(state).append(':').append(count.get()));
        System.out.println("RESULT ok=" + ok.get() + " failed=" + failed.sum() + " states=" + stateText
                + " elapsedMs=" + elapsedMs);
        System.out.flush();
        Gate.await(options.get("gate"), 60_000);
    }

    static String oneLine(String message) {
        return message == null ? "" : message.replace('\n', ' ').replace('\r', ' ');
    }
}

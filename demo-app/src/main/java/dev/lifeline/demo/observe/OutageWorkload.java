package dev.lifeline.demo.observe;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * An ordinary JDBC application, with no knowledge of Lifeline, that keeps calling its database
 * for a fixed time while the test breaks and restores the way to it: threads that each open a
 * connection (user and password as properties, like most applications), run {@code select 1}
 * and close it. It reports what it saw on standard output:
 * <pre>
 * RESULT ok=N failed=M breakerRejections=R slowestRejectionMs=S okAfterLastFailure=K elapsedMs=T
 * </pre>
 * A rejection is a failure whose message says a circuit breaker is open: the test wants them to
 * come back far below the driver's connect timeout. Arguments are
 * {@code key=value}: url (required), password, seconds (15), threads (4), pauseMs (50).
 */
public final class OutageWorkload {

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        String url = options.get("url");
        Properties properties = new Properties();
        properties.setProperty("password", options.getOrDefault("password", ""));
        properties.setProperty("ApplicationName", "lifeline-outage-workload");
        long seconds = Long.parseLong(options.getOrDefault("seconds", "15"));
        int threads = Integer.parseInt(options.getOrDefault("threads", "4"));
        long pauseMs = Long.parseLong(options.getOrDefault("pauseMs", "50"));

        LongAdder ok = new LongAdder();
        LongAdder failed = new LongAdder();
        LongAdder rejections = new LongAdder();
        AtomicLong slowestRejection = new AtomicLong(-1);
        AtomicLong lastFailureAt = new AtomicLong();
        LongAdder okAfterLastFailure = new LongAdder();
        long begin = System.nanoTime();
        long end = begin + seconds * 1_000_000_000L;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                while (System.nanoTime() < end) {
                    long start = System.nanoTime();
                    try (Connection connection = DriverManager.getConnection(url, properties);
                         Statement statement = connection.createStatement();
                         ResultSet rs = statement.executeQuery("select 1")) {
                        rs.next();
                        ok.increment();
                        if (lastFailureAt.get() != 0) {
                            okAfterLastFailure.increment();
                        }
                    } catch (SQLException e) {
                        long ms = (System.nanoTime() - start) / 1_000_000;
                        failed.increment();
                        if (String.valueOf(e.getMessage()).contains("circuit breaker open")) {
                            rejections.increment();
                            slowestRejection.accumulateAndGet(ms, Math::max);
                        }
                        lastFailureAt.set(System.nanoTime());
                        okAfterLastFailure.reset();
                    }
                    try {
                        Thread.sleep(pauseMs);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "outage-workload-" + t);
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        System.out.println("RESULT ok=" + ok.sum() + " failed=" + failed.sum() + " breakerRejections=" + rejections.sum()
                + " slowestRejectionMs=" + slowestRejection.get()
                + " okAfterLastFailure=" + okAfterLastFailure.sum()
                + " elapsedMs=" + (System.nanoTime() - begin) / 1_000_000);
        System.out.flush();
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            options.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        return options;
    }
}

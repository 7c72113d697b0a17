package dev.lifeline.demo.workload;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An ordinary HikariCP application whose threads all hold a connection at the same time (a
 * request burst with slow work): with a pool of N and N threads, the pool must open N
 * connections. Once every thread holds a connection (or has given up) it prints
 * <pre>
 * HOLDING acquired=N failed=M poolTotal=T
 * </pre>
 * and keeps holding until the gate file exists, so that the test can count the sessions on the
 * server. Then {@code RESULT acquired=N failed=M}, and {@code FAILURE ...} lines for failures.
 * Arguments: url (required), poolSize (30), threads (poolSize), connectionTimeoutMs (5000),
 * applicationName, gate.
 */
public final class PoolHoldersWorkload {

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Options.parse(args);
        int poolSize = Integer.parseInt(options.getOrDefault("poolSize", "30"));
        int threads = Integer.parseInt(options.getOrDefault("threads", String.valueOf(poolSize)));
        String url = options.get("url");
        String appName = options.getOrDefault("applicationName", "lifeline-pool-holders");

        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url + (url.contains("?") ? "&" : "?") + "ApplicationName=" + appName);
        config.setMaximumPoolSize(poolSize);
        config.setConnectionTimeout(Long.parseLong(options.getOrDefault("connectionTimeoutMs", "5000")));
        AtomicInteger acquired = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch settled = new CountDownLatch(threads);
        CountDownLatch release = new CountDownLatch(1);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            List<Thread> holders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread holder = new Thread(() -> {
                    try (Connection connection = pool.getConnection()) {
                        acquired.incrementAndGet();
                        settled.countDown();
                        release.await();
                    } catch (SQLException e) {
                        failed.incrementAndGet();
                        failures.add("FAILURE type=" + e.getClass().getName() + " sqlstate=" + e.getSQLState()
                                + " message=" + AcquireWorkload.oneLine(e.getMessage()));
                        settled.countDown();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "holder-" + t);
                holders.add(holder);
                holder.start();
            }
            settled.await();
            System.out.println("HOLDING acquired=" + acquired.get() + " failed=" + failed.get()
                    + " poolTotal=" + pool.getHikariPoolMXBean().getTotalConnections());
            System.out.flush();
            Gate.await(options.get("gate"), 60_000);
            release.countDown();
            for (Thread holder : holders) {
                holder.join();
            }
        }
        synchronized (failures) {
            failures.stream().limit(5).forEach(System.out::println);
        }
        System.out.println("RESULT acquired=" + acquired.get() + " failed=" + failed.get());
        System.out.flush();
    }
}

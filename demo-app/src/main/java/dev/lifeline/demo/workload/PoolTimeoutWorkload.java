package dev.lifeline.demo.workload;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.IMetricsTracker;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An ordinary HikariCP application that relies on its pool timeout: a pool of one connection,
 * held by one caller, and a second caller that must be told within the application's
 * {@code connectionTimeout} that none is free. HikariCP's own metrics tracker counts the
 * timeouts it recorded, as the application's monitoring would see them. The second caller asks
 * {@code requests} times, one after another (the first also warms the JVM up); per request:
 * <pre>
 * FAILURE request=I type=... sqlstate=... elapsedMs=T suppressed=K suppressedTypes=A,B timeouts=N message=...
 * RESULT timeouts=N failed=M
 * </pre>
 * ({@code timeouts} on a FAILURE line: those HikariCP recorded during that request).
 * Arguments: url (required), connectionTimeoutMs (500), requests (2), applicationName.
 */
public final class PoolTimeoutWorkload {

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Options.parse(args);
        String url = options.get("url");
        String appName = options.getOrDefault("applicationName", "lifeline-pool-timeout");
        int requests = Integer.parseInt(options.getOrDefault("requests", "2"));
        AtomicInteger timeouts = new AtomicInteger();

        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url + (url.contains("?") ? "&" : "?") + "ApplicationName=" + appName);
        config.setMaximumPoolSize(1);
        config.setConnectionTimeout(Long.parseLong(options.getOrDefault("connectionTimeoutMs", "500")));
        config.setMetricsTrackerFactory((poolName, poolStats) -> new IMetricsTracker() {
            @Override
            public void recordConnectionTimeout() {
                timeouts.incrementAndGet();
            }
        });
        int failed = 0;
        try (HikariDataSource pool = new HikariDataSource(config);
             Connection held = pool.getConnection()) {
            for (int request = 1; request <= requests; request++) {
                int timeoutsBefore = timeouts.get();
                long start = System.nanoTime();
                try (Connection second = pool.getConnection()) {
                    System.out.println("GOT a second connection from a pool of one after "
                            + (System.nanoTime() - start) / 1_000_000 + " ms");
                } catch (SQLException e) {
                    failed++;
                    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
                    StringBuilder types = new StringBuilder();
                    for (Throwable s : e.getSuppressed()) {
                        types.append(types.length() == 0 ? "" : ",").append(s.getClass().getName());
                    }
                    System.out.println("FAILURE request=" + request + " type=" + e.getClass().getName()
                            + " sqlstate=" + e.getSQLState()
                            + " elapsedMs=" + elapsedMs + " suppressed=" + e.getSuppressed().length
                            + " suppressedTypes=" + (types.length() == 0 ? "-" : types)
                            + " timeouts=" + (timeouts.get() - timeoutsBefore)
                            + " message=" + AcquireWorkload.oneLine(e.getMessage()));
                }
            }
            held.isValid(1);
        }
        System.out.println("RESULT timeouts=" + timeouts.get() + " failed=" + failed);
        System.out.flush();
    }
}

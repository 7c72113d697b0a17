package dev.lifeline.demo.workload;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An ordinary HikariCP application: threads doing a mix of reads and autocommit inserts with unique
 * ids, for a fixed time. Writes the ids of every insert the database acknowledged to a file, so a
 * test can check each is in the table exactly once, and reports:
 * <pre>
 * RESULT ok=N failed=M reads=R inserts=I states=...
 * FAILURE type=... sqlstate=... write=... notes=... message=...
 * </pre>
 * Arguments: url, threads (4), seconds (10), table (orders), ackFile, poolSize (4), idBase (0),
 * applicationName.
 */
public final class MixedWorkload {

    public static void main(String[] args) throws Exception {
        java.util.Map<String, String> options = Options.parse(args);
        String url = options.get("url");
        int threads = Integer.parseInt(options.getOrDefault("threads", "4"));
        long seconds = Long.parseLong(options.getOrDefault("seconds", "10"));
        String table = options.getOrDefault("table", "orders");
        String ackFile = options.get("ackFile");
        long idBase = Long.parseLong(options.getOrDefault("idBase", "0"));
        String appName = options.getOrDefault("applicationName", "lifeline-mixed");

        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url + (url.contains("?") ? "&" : "?") + "ApplicationName=" + appName);
        config.setMaximumPoolSize(Integer.parseInt(options.getOrDefault("poolSize", "4")));
        config.setConnectionTimeout(10_000);
        // Start even if the first connection is killed while the pool checks it (the backends are
        // terminated every 300 ms): the run measures the operations, not the pool's start-up. The
        // same for both runs; without it the no-agent run died in HikariPool's init once (a flake).
        config.setInitializationFailTimeout(-1);
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger reads = new AtomicInteger();
        AtomicLong nextId = new AtomicLong(idBase);
        ConcurrentLinkedQueue<Long> acknowledged = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        java.util.Map<String, AtomicInteger> states = new java.util.concurrent.ConcurrentHashMap<>();

        try (HikariDataSource pool = new HikariDataSource(config)) {
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread worker = new Thread(() -> {
                    int i = 0;
                    while (System.nanoTime() < end) {
                        boolean write = (i++ % 2) == 0;
                        long id = write ? nextId.incrementAndGet() : 0;
                        try (Connection connection = pool.getConnection()) {
                            if (write) {
                                try (PreparedStatement insert = connection.prepareStatement(
                                        "INSERT INTO " + table + " (id, note) VALUES (?, ?)")) {
                                    insert.setLong(1, id);
                                    insert.setString(2, "order " + id);
                                    insert.executeUpdate();
                                }
                                acknowledged.add(id);
                            } else {
                                try (PreparedStatement select = connection.prepareStatement(
                                        "SELECT count(*) FROM " + table + " WHERE id > ?")) {
                                    select.setLong(1, Math.max(0, nextId.get() - 50));
                                    try (ResultSet rs = select.executeQuery()) {
                                        rs.next();
                                    }
                                }
                                reads.incrementAndGet();
                            }
                            ok.incrementAndGet();
                        } catch (SQLException e) {
                            failed.incrementAndGet();
                            states.computeIfAbsent(String.valueOf(e.getSQLState()), s -> new AtomicInteger()).incrementAndGet();
                            if (failures.size() < 20) {
                                failures.add("FAILURE type=" + e.getClass().getName() + " sqlstate=" + e.getSQLState()
                                        + " write=" + write + " notes=" + AcquireWorkload.oneLine(TransactionWorkload.suppressedMessages(e))
                                        + " message=" + AcquireWorkload.oneLine(e.getMessage()));
                            }
                        }
                    }
                }, "mixed-" + t);
                workers.add(worker);
                worker.start();
            }
            for (Thread worker : workers) {
                worker.join();
            }
        }
        if (ackFile != null) {
            writeIds(ackFile, acknowledged);
        }
        failures.forEach(System.out::println);
        StringBuilder stateText = new StringBuilder();
        states.forEach((s, c) -> stateText.append(stateText.length() == 0 ? "" : ",").append(s).append(':').append(c.get()));
        System.out.println("RESULT ok=" + ok.get() + " failed=" + failed.get() + " reads=" + reads.get()
                + " inserts=" + acknowledged.size() + " states=" + stateText);
    }

    static void writeIds(String file, Iterable<Long> ids) throws IOException {
        StringBuilder text = new StringBuilder();
        for (Long id : ids) {
            text.append(id).append('\n');
        }
        Files.write(Paths.get(file), text.toString().getBytes(StandardCharsets.US_ASCII));
    }
}

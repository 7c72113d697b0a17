package dev.lifeline.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The application of the "backends terminated every 300 ms" row, run in a child JVM without an
 * agent, with Lifeline, or with OpenTelemetry: an ordinary HikariCP application (pool of 4) whose
 * 4 threads alternate an autocommit insert of a unique id and a read by id, and carry on with their
 * next operation when one fails.
 *
 * <p>It warms up undisturbed, prints {@code KILLS_START} (the runner then terminates every backend
 * of this application's pool every 300 ms), runs the measured window, prints {@code KILLS_STOP},
 * stops, writes the id of every insert the database acknowledged to {@code ackFile} (the runner
 * checks each is in the table exactly once) and prints
 * {@code RESULT ops=.. failed=.. reads=.. inserts=.. insert_failures=.. outcome_unknown=.. states=57P01:3,..}
 * ({@code outcome_unknown}: failures an agent explained as "outcome unknown", writes whose
 * session ended after the server reported them done but before it confirmed the commit)
 * for the window, and up to 5 {@code FAILURE} lines.
 *
 * <pre>KilledBackendsApp jdbcUrl applicationName warmupMs measureMs ackFile</pre>
 */
public final class KilledBackendsApp {

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String applicationName = args[1];
        long warmupMs = Long.parseLong(args[2]);
        long measureMs = Long.parseLong(args[3]);
        String ackFile = args[4];

        HikariConfig config = new HikariConfig();
        // The runner finds this pool's backends by their application name.
        config.setJdbcUrl(url + (url.contains("?") ? "&" : "?") + "ApplicationName=" + applicationName);
        config.setPoolName("killed-backends");
        config.setMaximumPoolSize(4);
        config.setConnectionTimeout(10_000);
        // A pool whose first connection is killed while it checks it still starts: the run measures
        // the operations, not HikariCP's start-up (the same in every setup).
        config.setInitializationFailTimeout(-1);

        Counters counters = new Counters();
        AtomicLong nextId = new AtomicLong();
        List<Worker> workers = new ArrayList<>();
        try (HikariDataSource pool = new HikariDataSource(config)) {
            for (int t = 0; t < 4; t++) {
                Worker worker = new Worker(pool, nextId, counters);
                worker.thread = new Thread(worker, "killed-backends-" + t);
                workers.add(worker);
                worker.thread.start();
            }
            Thread.sleep(warmupMs);
            Counters.Snapshot from = counters.snapshot();
            System.out.println("KILLS_START");
            System.out.flush();
            Thread.sleep(measureMs);
            Counters.Snapshot to = counters.snapshot();
            System.out.println("KILLS_STOP");
            System.out.flush();
            counters.stop = true;
            for (Worker worker : workers) {
                worker.thread.join();
            }
            StringBuilder acknowledged = new StringBuilder();
            for (Worker worker : workers) {
                for (int i = 0; i < worker.acknowledgedCount; i++) {
                    acknowledged.append(worker.acknowledged[i]).append('\n');
                }
            }
            Files.write(Paths.get(ackFile), acknowledged.toString().getBytes(StandardCharsets.US_ASCII));
            StringBuilder states = new StringBuilder();
            counters.states.forEach((state, count) -> states.append(states.length() == 0 ? "" : ",").append(state).append(':').append(count));
            System.out.println("RESULT ops=" + (to.ok - from.ok) + " failed=" + (to.failed - from.failed)
                    + " reads=" + (to.reads - from.reads) + " inserts=" + (to.inserts - from.inserts)
                    + " insert_failures=" + (to.insertFailures - from.insertFailures)
                    + " outcome_unknown=" + (to.outcomeUnknown - from.outcomeUnknown)
                    + " failed_whole_run=" + counters.failed.sum() + " states=" + (states.length() == 0 ? "-" : states));
            counters.failures.forEach(System.out::println);
        }
    }

    private static final class Counters {
        final LongAdder reads = new LongAdder();
        final LongAdder inserts = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder insertFailures = new LongAdder();
        /** Failures an agent explained as "outcome unknown": the statement may have taken effect, so it was not re-run. */
        final LongAdder outcomeUnknown = new LongAdder();
        final Map<String, LongAdder> states = new ConcurrentHashMap<>();
        final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        volatile boolean stop;

        void failed(SQLException e, boolean write) {
            failed.increment();
            if (write) {
                insertFailures.increment();
            }
            states.computeIfAbsent(String.valueOf(e.getSQLState()), s -> new LongAdder()).increment();
            for (Throwable s : e.getSuppressed()) {
                if (String.valueOf(s.getMessage()).startsWith("lifeline: outcome unknown")) {
                    outcomeUnknown.increment();
                    break;
                }
            }
            if (failures.size() < 5) {
                failures.add("FAILURE sqlstate=" + e.getSQLState() + " write=" + write + " type=" + e.getClass().getName()
                        + " message=" + String.valueOf(e.getMessage()).replace('\n', ' ')
                        + explanations(e));
            }
        }

        /** What else the exception carries (an agent's suppressed explanation, the cause), on the same line. */
        private static String explanations(Throwable e) {
            StringBuilder out = new StringBuilder();
            for (Throwable s : e.getSuppressed()) {
                out.append(" suppressed=[").append(String.valueOf(s.getMessage()).replace('\n', ' ')).append(']');
            }
            if (e.getCause() != null) {
                out.append(" cause=[").append(e.getCause()).append(']');
            }
            return out.toString();
        }

        Snapshot snapshot() {
            Snapshot s = new Snapshot();
            s.reads = reads.sum();
            s.inserts = inserts.sum();
            s.ok = s.reads + s.inserts;
            s.failed = failed.sum();
            s.insertFailures = insertFailures.sum();
            s.outcomeUnknown = outcomeUnknown.sum();
            return s;
        }

        static final class Snapshot {
            long ok;
            long reads;
            long inserts;
            long failed;
            long insertFailures;
            long outcomeUnknown;
        }
    }

    private static final class Worker implements Runnable {
        private final HikariDataSource pool;
        private final AtomicLong nextId;
        private final Counters counters;
        /** Ids of acknowledged inserts; grown by doubling (tens of thousands in a run). */
        long[] acknowledged = new long[16_384];
        int acknowledgedCount;
        Thread thread;

        Worker(HikariDataSource pool, AtomicLong nextId, Counters counters) {
            this.pool = pool;
            this.nextId = nextId;
            this.counters = counters;
        }

        @Override
        public void run() {
            boolean write = true;
            while (!counters.stop) {
                try (Connection connection = pool.getConnection()) {
                    if (write) {
                        long id = nextId.incrementAndGet();
                        try (PreparedStatement insert = connection.prepareStatement("insert into bench_kills(id, v) values (?, ?)")) {
                            insert.setLong(1, id);
                            insert.setLong(2, id * 7);
                            if (insert.executeUpdate() != 1) {
                                throw new IllegalStateException("an insert of one row reported another count");
                            }
                        }
                        acknowledge(id);
                        counters.inserts.increment();
                    } else {
                        try (PreparedStatement read = connection.prepareStatement("select v from bench_kills where id = ?")) {
                            read.setLong(1, Math.max(1, nextId.get() - 10));
                            try (ResultSet rs = read.executeQuery()) {
                                rs.next();
                            }
                        }
                        counters.reads.increment();
                    }
                } catch (SQLException e) {
                    counters.failed(e, write);
                }
                write = !write;
            }
        }

        private void acknowledge(long id) {
            if (acknowledgedCount == acknowledged.length) {
                acknowledged = java.util.Arrays.copyOf(acknowledged, acknowledged.length * 2);
            }
            acknowledged[acknowledgedCount++] = id;
        }
    }
}

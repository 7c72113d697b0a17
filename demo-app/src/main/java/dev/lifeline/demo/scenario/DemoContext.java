package dev.lifeline.demo.scenario;

import dev.lifeline.demo.db.Database;
import dev.lifeline.demo.report.RunRecord;
import dev.lifeline.demo.report.ScenarioInfo;
import dev.lifeline.demo.run.ChildJvm;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What every scenario shares: the database, the run's working directory, quick or full size, the
 * seed, and the mechanics of running a workload in a child JVM with live progress, then turning
 * what it wrote into a {@link RunRecord} checked against the database.
 */
public final class DemoContext {

    private static final int TIMELINE_SLICES = 30;
    private static final long CHILD_TIMEOUT_SECONDS = 300;

    final Database database;
    final boolean embedded;
    final boolean quick;
    final long seed;
    final Path workDir;
    final PrintStream out;
    /** Distinguishes this demo run's rows from earlier ones in the same (external) database. */
    final String runId = Long.toString(System.currentTimeMillis(), 36);

    public DemoContext(Database database, boolean embedded, boolean quick, long seed, Path workDir, PrintStream out)
            throws SQLException {
        this.database = database;
        this.embedded = embedded;
        this.quick = quick;
        this.seed = seed;
        this.workDir = workDir;
        this.out = out;
        try (Connection admin = database.admin(); Statement s = admin.createStatement()) {
            // No unique key on purpose: a write that ran twice must show up as two rows.
            s.execute("CREATE TABLE IF NOT EXISTS demo_writes (id bigint NOT NULL, run text NOT NULL, note text)");
            s.execute("CREATE INDEX IF NOT EXISTS demo_writes_run ON demo_writes (run, id)");
        }
    }

    int size(int quickValue, int fullValue) {
        return quick ? quickValue : fullValue;
    }

    String runLabel(ScenarioInfo scenario, boolean agent) {
        return scenario.name + "-" + (agent ? "with" : "without") + "-" + runId;
    }

    /** A JDBC URL through the given proxy, with nothing but what the application itself would set. */
    static String plainUrl(String url) {
        // sslmode/gssEncMode off: one TCP connection per connection attempt, so the proxy's count of
        // connections is a count of attempts.
        return url + (url.contains("?") ? "&" : "?") + "sslmode=disable&gssEncMode=disable";
    }

    /** What a workload run left behind. */
    static final class ChildRun {
        final ChildJvm.Result result;
        final Path dir;

        ChildRun(ChildJvm.Result result, Path dir) {
            this.result = result;
            this.dir = dir;
        }

        int resultInt(String key) {
            return result.resultInt(key);
        }

        List<String> acks() throws IOException {
            List<String> acks = new ArrayList<>();
            for (String line : Files.readAllLines(dir.resolve("acks.txt"), StandardCharsets.UTF_8)) {
                if (!line.isEmpty()) {
                    acks.add(line);
                }
            }
            return acks;
        }
    }

    /** Runs {@code main} in a child JVM, printing live progress, and fails loudly if it did not finish. */
    ChildRun runChild(ScenarioInfo scenario, boolean agent, Class<?> main, String... args) throws Exception {
        Path dir = Files.createDirectories(workDir.resolve(scenario.name + "-" + (agent ? "with" : "without")));
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.add("dir=" + dir);
        ChildJvm jvm = agent ? ChildJvm.withAgent(scenario.agentArguments) : ChildJvm.withoutAgent();
        String label = String.format(Locale.ROOT, "  %-13s %s agent", scenario.name, agent ? "with   " : "without");
        AtomicBoolean done = new AtomicBoolean();
        Thread progress = new Thread(() -> showProgress(label, dir, done), "progress");
        progress.setDaemon(true);
        progress.start();
        ChildJvm.Result result;
        try {
            result = jvm.run(main, CHILD_TIMEOUT_SECONDS, all.toArray(new String[0]));
        } finally {
            done.set(true);
            progress.join();
        }
        Files.write(dir.resolve("stdout.txt"), result.stdout, StandardCharsets.UTF_8);
        Files.write(dir.resolve("stderr.txt"), result.stderr, StandardCharsets.UTF_8);
        if (result.lines("RESULT ").isEmpty()) {
            throw new IllegalStateException(scenario.name + " (" + (agent ? "with" : "without") + " agent) did not finish: " + result);
        }
        out.printf(Locale.ROOT, "%s: %s operations, %s failed, %.1f s%n", label, result.result("ops"), result.result("failed"),
                result.resultInt("elapsedMs") / 1000.0);
        return new ChildRun(result, dir);
    }

    private void showProgress(String label, Path dir, AtomicBoolean done) {
        boolean console = System.console() != null;
        long started = System.nanoTime();
        long lastPrinted = 0;
        while (!done.get()) {
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                return;
            }
            long elapsedMs = (System.nanoTime() - started) / 1_000_000;
            String[] counts = readProgress(dir);
            String line = String.format(Locale.ROOT, "%s: %s operations, %s failed ... %.1f s", label,
                    counts[0], counts[1], elapsedMs / 1000.0);
            if (console) {
                out.print("\r" + line + "   ");
                out.flush();
            } else if (elapsedMs - lastPrinted >= 2_000) {
                out.println(line);
                lastPrinted = elapsedMs;
            }
        }
        if (console) {
            out.print("\r" + " ".repeat(label.length() + 60) + "\r");
            out.flush();
        }
    }

    private static String[] readProgress(Path dir) {
        try {
            String[] parts = new String(Files.readAllBytes(dir.resolve("progress.txt")), StandardCharsets.US_ASCII).trim().split(" ");
            if (parts.length == 2) {
                return parts;
            }
        } catch (IOException ignored) {
            // not written yet
        }
        return new String[]{"0", "0"};
    }

    /** Acknowledged JDBC writes (ids) checked against demo_writes: {lost, duplicated}. */
    int[] checkJdbcWrites(String run, List<String> ackedIds) throws SQLException {
        Map<Long, Integer> rows = new HashMap<>();
        try (Connection admin = database.admin();
             PreparedStatement s = admin.prepareStatement("SELECT id, count(*) FROM demo_writes WHERE run = ? GROUP BY id")) {
            s.setString(1, run);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getLong(1), rs.getInt(2));
                }
            }
        }
        int lost = 0;
        for (String id : ackedIds) {
            if (!rows.containsKey(Long.parseLong(id))) {
                lost++;
            }
        }
        int duplicated = 0;
        for (int copies : rows.values()) {
            duplicated += copies - 1;
        }
        return new int[]{lost, duplicated};
    }

    /** Acknowledged KV sets ("key\tvalue") checked against the kv table: {lost, duplicated}. */
    int[] checkKvWrites(String run, List<String> acked) throws SQLException {
        Map<String, String> values = new HashMap<>();
        Map<String, Integer> copies = new HashMap<>();
        try (Connection admin = database.admin();
             PreparedStatement s = admin.prepareStatement("SELECT key, value FROM kv WHERE key LIKE ?")) {
            s.setString(1, run + "-%");
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    values.put(rs.getString(1), rs.getString(2));
                    copies.merge(rs.getString(1), 1, Integer::sum);
                }
            }
        }
        int lost = 0;
        for (String ack : acked) {
            int tab = ack.indexOf('\t');
            if (!ack.substring(tab + 1).equals(values.get(ack.substring(0, tab)))) {
                lost++;
            }
        }
        int duplicated = 0;
        for (int n : copies.values()) {
            duplicated += n - 1;
        }
        return new int[]{lost, duplicated};
    }

    /** Builds the record from the run's samples (latency, timeline) and errors. */
    RunRecord record(ScenarioInfo scenario, boolean agent, ChildRun run, int acknowledgedWrites, int[] lostAndDuplicated,
                     long retries, long faults) throws IOException {
        List<long[]> samples = new ArrayList<>();
        for (String line : Files.readAllLines(run.dir.resolve("samples.txt"), StandardCharsets.US_ASCII)) {
            if (!line.isEmpty()) {
                String[] f = line.split(" ");
                samples.add(new long[]{Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])});
            }
        }
        long[] latencies = samples.stream().mapToLong(s -> s[1]).sorted().toArray();
        long elapsedMs = run.resultInt("elapsedMs");
        int[] ok = new int[TIMELINE_SLICES];
        int[] failed = new int[TIMELINE_SLICES];
        for (long[] s : samples) {
            int slice = (int) Math.min(TIMELINE_SLICES - 1, s[0] * TIMELINE_SLICES / Math.max(1, elapsedMs));
            if (s[2] == 1) {
                ok[slice]++;
            } else {
                failed[slice]++;
            }
        }
        List<String> errors = new ArrayList<>();
        for (String line : Files.readAllLines(run.dir.resolve("errors.txt"), StandardCharsets.UTF_8)) {
            if (!line.isEmpty()) {
                errors.add(line);
            }
        }
        return new RunRecord(scenario, agent, run.resultInt("ops"), run.resultInt("failed"), acknowledgedWrites,
                lostAndDuplicated[0], lostAndDuplicated[1], percentileMs(latencies, 50), percentileMs(latencies, 99),
                retries, faults, elapsedMs, ok, failed, errors);
    }

    /** Nearest-rank percentile of microsecond latencies, in milliseconds. */
    static double percentileMs(long[] sortedMicros, int percentile) {
        if (sortedMicros.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(percentile / 100.0 * sortedMicros.length);
        return sortedMicros[Math.max(0, Math.min(sortedMicros.length - 1, rank - 1))] / 1000.0;
    }
}

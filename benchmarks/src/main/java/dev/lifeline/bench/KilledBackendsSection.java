package dev.lifeline.bench;

import dev.lifeline.demo.db.Database;
import dev.lifeline.demo.run.ChildJvm;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The "backends terminated every 300 ms" row (issue 14): {@link KilledBackendsApp} in a child JVM per
 * setup, in rotating order per round, while this runner terminates every backend of the child's
 * pool ({@code pg_terminate_backend}, found by application name) at a fixed rate during its measured
 * window. Afterwards every acknowledged insert is looked up in PostgreSQL: lost (acknowledged, not
 * there) and doubled (there more than once) must both be 0, whatever the setup.
 */
final class KilledBackendsSection {

    private final Database database;
    private final int rounds;
    private final long warmupMs;
    private final long measureMs;
    private final long killEveryMs;

    KilledBackendsSection(Database database, int rounds, long warmupMs, long measureMs, long killEveryMs) {
        this.database = database;
        this.rounds = rounds;
        this.warmupMs = warmupMs;
        this.measureMs = measureMs;
        this.killEveryMs = killEveryMs;
    }

    /** One child's run. */
    private static final class Run {
        Map<String, String> result;
        long terminated;
        long lost;
        long doubled;
        /** Inserts the application was told failed, which are in the table nonetheless (outcome unknown to it). */
        long failedButCommitted;
    }

    void run(List<Setup> setups, Consumer<String> line) throws Exception {
        try (Connection admin = database.admin(); Statement st = admin.createStatement()) {
            // No unique key on id: a doubled insert must show as two rows, not as a failure.
            st.execute("create table if not exists bench_kills(id bigint not null, v bigint not null)");
            st.execute("create index if not exists bench_kills_id on bench_kills(id)");
        }
        Benchmarks.progress("killed backends: " + rounds + " rounds of " + setups.size() + " child JVMs, each " + warmupMs
                + " ms warm-up + " + measureMs + " ms with every backend of its pool terminated every " + killEveryMs + " ms");
        Map<Setup, List<Run>> runs = new LinkedHashMap<>();
        for (Setup setup : setups) {
            runs.put(setup, new ArrayList<>());
        }
        for (int round = 0; round < rounds; round++) {
            for (Setup setup : Benchmarks.rotated(setups, round)) {
                Run run = runOnce(setup, "lifeline-bench-kills-" + round + "-" + setups.indexOf(setup));
                runs.get(setup).add(run);
                Benchmarks.progress(String.format(Locale.ROOT, "round %d %-14s ops=%s failed=%s terminated=%d lost=%d doubled=%d failed_but_committed=%d states=%s",
                        round + 1, setup.label, run.result.get("ops"), run.result.get("failed"), run.terminated, run.lost, run.doubled,
                        run.failedButCommitted, run.result.get("states")));
            }
        }
        table(setups, runs, line);
    }

    private Run runOnce(Setup setup, String applicationName) throws Exception {
        try (Connection admin = database.admin(); Statement st = admin.createStatement()) {
            st.execute("truncate bench_kills");
        }
        Path acks = Files.createTempFile("killed-backends-acks", ".txt");
        try {
            ChildJvm.Running child = setup.jvm().start(KilledBackendsApp.class, database.url(), applicationName,
                    Long.toString(warmupMs), Long.toString(measureMs), acks.toString());
            Run run = new Run();
            try {
                awaitLine(child, "KILLS_START", 120_000);
                run.terminated = terminateUntilStopped(child, applicationName);
            } catch (Exception e) {
                child.destroy();
                throw e;
            }
            ChildJvm.Result result = child.await(120);
            List<String> lines = result.lines("RESULT ");
            if (result.exitCode != 0 || lines.isEmpty()) {
                throw new IllegalStateException("killed-backends run failed with " + setup.label + ": " + result);
            }
            run.result = Benchmarks.parse(lines.get(0).substring("RESULT ".length()));
            for (String failure : result.lines("FAILURE ")) {
                Benchmarks.progress("    " + failure);
            }
            check(run, acks);
            return run;
        } finally {
            Files.deleteIfExists(acks);
        }
    }

    private static void awaitLine(ChildJvm.Running child, String text, long timeoutMs) throws Exception {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (!child.peek().contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the child never printed " + text + ":\n" + child.peek());
            }
            Thread.sleep(10);
        }
    }

    /** Terminates the pool's backends at a fixed rate until the child's window is over; returns how many. */
    private long terminateUntilStopped(ChildJvm.Running child, String applicationName) throws Exception {
        long terminated = 0;
        long deadline = System.nanoTime() + (measureMs + 60_000) * 1_000_000;
        try (Connection admin = database.admin();
             PreparedStatement kill = admin.prepareStatement("select count(pg_terminate_backend(pid)) from pg_stat_activity "
                     + "where application_name = ? and pid <> pg_backend_pid()")) {
            kill.setString(1, applicationName);
            long next = System.nanoTime() + killEveryMs * 1_000_000;
            while (!child.peek().contains("KILLS_STOP")) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                if (child.peek().contains("KILLS_STOP")) {
                    break;
                }
                try (ResultSet rs = kill.executeQuery()) {
                    rs.next();
                    terminated += rs.getLong(1);
                }
                next += killEveryMs * 1_000_000;
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the child never printed KILLS_STOP:\n" + child.peek());
                }
            }
        }
        return terminated;
    }

    /** Every acknowledged insert exactly once in the table; anything else is counted, per run. */
    private void check(Run run, Path acks) throws Exception {
        Set<Long> acknowledged = new HashSet<>();
        for (String l : Files.readAllLines(acks, StandardCharsets.US_ASCII)) {
            if (!l.isEmpty()) {
                acknowledged.add(Long.parseLong(l));
            }
        }
        Map<Long, Integer> rows = new HashMap<>();
        try (Connection admin = database.admin(); Statement st = admin.createStatement();
             ResultSet rs = st.executeQuery("select id, count(*) from bench_kills group by id")) {
            while (rs.next()) {
                rows.put(rs.getLong(1), rs.getInt(2));
            }
        }
        for (Long id : acknowledged) {
            if (!rows.containsKey(id)) {
                run.lost++;
            }
        }
        for (Map.Entry<Long, Integer> row : rows.entrySet()) {
            if (row.getValue() > 1) {
                run.doubled++;
            }
            if (!acknowledged.contains(row.getKey())) {
                run.failedButCommitted++;
            }
        }
    }

    private void table(List<Setup> setups, Map<Setup, List<Run>> runs, Consumer<String> line) {
        Setup base = setups.get(0);
        List<Double> baseOps = figure(runs.get(base), "ops");
        line.accept("");
        line.accept("### Backends terminated every " + killEveryMs + " ms (goal: Lifeline ≥ no agent's operations, 0 failed)");
        line.accept("");
        line.accept("A HikariCP application (pool of 4, `connectionTimeout` 10 s): 4 threads alternating an autocommit INSERT of a unique id "
                + "and a SELECT by id, going on with the next operation after a failure. After " + warmupMs + " ms undisturbed, the runner "
                + "terminates every backend of the pool (`pg_terminate_backend`, by application name) every " + killEveryMs + " ms for "
                + measureMs + " ms. Operations and failures in that window, median over " + rounds + " interleaved rounds (range); ratio = "
                + "median of the per-round ratios to the no-agent run. Lost (acknowledged, not in the table), doubled (in the table more "
                + "than once) and *failed but committed* (the application was told it failed; the row is there) are totals over all "
                + "rounds, checked in PostgreSQL after each run. *Outcome unknown* counts the failures Lifeline explained as such (total over "
                + "all rounds): an INSERT whose backend was terminated after the server reported it done and before it confirmed the commit. "
                + "Whether it committed is unknown to the client, so the contract forbids running it again; the application gets the "
                + "driver's error. The check above says whether it was in fact committed.");
        line.accept("");
        line.accept("| | operations | ratio | failed operations | of which outcome unknown | backends terminated | lost inserts | doubled inserts | failed but committed | goal |");
        line.accept("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        for (Setup setup : setups) {
            List<Run> r = runs.get(setup);
            List<Double> ops = figure(r, "ops");
            List<Double> failed = figure(r, "failed");
            List<Double> ratios = Stats.ratios(ops, baseOps);
            List<Double> terminated = new ArrayList<>();
            long lost = 0;
            long doubled = 0;
            long failedButCommitted = 0;
            for (Run run : r) {
                terminated.add((double) run.terminated);
                lost += run.lost;
                doubled += run.doubled;
                failedButCommitted += run.failedButCommitted;
            }
            long unknown = 0;
            long failedTotal = 0;
            for (Run run : r) {
                unknown += Long.parseLong(run.result.getOrDefault("outcome_unknown", "0"));
                failedTotal += Long.parseLong(run.result.get("failed"));
            }
            String goal;
            if (!setup.label.equals("Lifeline")) {
                goal = "";
            } else if (Stats.median(ratios) < 1.0 || lost != 0 || doubled != 0 || failedTotal > unknown) {
                goal = "**missed**";
            } else {
                goal = unknown == 0 ? "met" : "met but for " + unknown + " of unknown outcome, not re-run by contract";
            }
            line.accept(String.format(Locale.ROOT, "| %s | %.0f (%.0f–%.0f) | %s | %.0f (%.0f–%.0f) | %d | %.0f | %d | %d | %d | %s |", setup.label,
                    Stats.median(ops), Stats.min(ops), Stats.max(ops),
                    setup == base ? "" : String.format(Locale.ROOT, "**%.3f** (%.3f–%.3f)", Stats.median(ratios), Stats.min(ratios), Stats.max(ratios)),
                    Stats.median(failed), Stats.min(failed), Stats.max(failed), unknown, Stats.median(terminated),
                    lost, doubled, failedButCommitted, goal));
        }
    }

    private static List<Double> figure(List<Run> runs, String key) {
        List<Double> values = new ArrayList<>();
        for (Run run : runs) {
            values.add(Double.parseDouble(run.result.get(key)));
        }
        return values;
    }
}

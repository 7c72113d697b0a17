package dev.lifeline.bench;

import dev.lifeline.demo.run.ChildJvm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Instructions per call, counted by Valgrind's callgrind rather than timed (issue 14): the CPU
 * figures of the throughput section move by several percent from round to round on a shared
 * machine, while the number of instructions a call executes does not depend on the neighbours.
 * {@link InstructionsApp} runs the SELECT 1 and the INSERT under callgrind, once without the agent
 * and once with Lifeline, one JVM at a time (PostgreSQL then has a core of its own, and its answer
 * is there when the client reads: a read that finds no data yet would add a poll to the count).
 *
 * <p>The JVM runs with {@code -Xbatch} (a method's compilation finishes before it runs again, so
 * the windows after the warm-up run compiled code) and the serial collector. The figure is the
 * calling thread's user-space instructions per call, the median of the windows after the first
 * half; the kernel's work for the socket calls is not counted, so the ratio here is of the part
 * of the call the agent can add to. Valgrind is needed on the PATH; without it the section says so
 * and is skipped.
 */
final class InstructionsSection {

    private static final String[] WORKLOADS = {"select", "insert"};
    private static final Map<String, String> TITLES = Map.of(
            "select", "SELECT 1 via HikariCP (borrow, prepare, execute, read, close), 1 thread",
            "insert", "autocommit INSERT via HikariCP, 1 thread");

    private final String jdbcUrl;
    private final int warmupCalls;
    private final int windowCalls;
    private final int windows;
    private final Path dir;

    InstructionsSection(String jdbcUrl, int warmupCalls, int windowCalls, int windows, Path dir) {
        if (windows < 2) {
            throw new IllegalArgumentException("--instructions-windows must be at least 2, got " + windows);
        }
        this.jdbcUrl = jdbcUrl;
        this.warmupCalls = warmupCalls;
        this.windowCalls = windowCalls;
        this.windows = windows;
        this.dir = dir;
    }

    /** One JVM's count: per window, per callgrind thread number, instructions. */
    private static final class Count {
        final List<Map<Integer, Long>> windows = new ArrayList<>();
        /** The thread that made the calls ({@link #caller}). */
        int caller;
    }

    void run(List<String> workloads, Consumer<String> line) throws Exception {
        line.accept("");
        line.accept("##### Instructions per call, no failures (callgrind)");
        line.accept("");
        String version = valgrindVersion();
        if (version == null) {
            line.accept("_Skipped: `valgrind` is not on the PATH (Debian: `apt-get install valgrind`)._");
            return;
        }
        Files.createDirectories(dir);
        try (Stream<Path> old = Files.list(dir)) {
            for (Path p : (Iterable<Path>) old::iterator) {
                Files.deleteIfExists(p);
            }
        }
        line.accept("The calling thread's user-space instructions per call, counted by " + version + "'s callgrind (not timed,"
                + " so the neighbours' load does not move them): one JVM at a time, `-Xbatch -XX:+UseSerialGC`, " + warmupCalls
                + " calls of warm-up, then " + windows + " windows of " + windowCalls + " calls each. Figure: median of the last "
                + (windows - windows / 2) + " windows; all windows are listed. The kernel's share of the call"
                + " (the socket calls) is not counted here: most of the calling thread's CPU time in the throughput section.");
        line.accept("");
        line.accept("| workload | no agent | Lifeline (added) | Lifeline ratio | no agent, per window | Lifeline, per window |");
        line.accept("|---|---:|---:|---:|---|---|");
        for (String workload : WORKLOADS) {
            if (!workloads.contains(workload)) {
                continue;
            }
            Count none = count("none-" + workload, workload, false);
            Count lifeline = count("lifeline-" + workload, workload, true);
            double a = figure(none);
            double b = figure(lifeline);
            line.accept(String.format(Locale.ROOT, "| %s | %.0f | %.0f (%+.0f) | **%.3f** | %s | %s |",
                    TITLES.get(workload), a, b, b - a, b / a, perWindow(none), perWindow(lifeline)));
            Benchmarks.progress(String.format(Locale.ROOT, "instructions %s: no agent %.0f, Lifeline %.0f per call", workload, a, b));
        }
    }

    private Count count(String label, String workload, boolean withAgent) throws Exception {
        Path base = dir.resolve(label + ".out");
        List<String> command = new ArrayList<>(Arrays.asList(
                "valgrind", "--tool=callgrind", "--separate-threads=yes",
                // The JIT writes code and patches it: callgrind must see every change.
                "--smc-check=all-non-file",
                // HotSpot reads registers in its signal handlers (implicit null checks, safepoint
                // polls): without precise register state there the JVM crashes under Valgrind.
                "--vex-iropt-register-updates=allregs-at-mem-access",
                "--callgrind-out-file=" + base,
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Xbatch", "-XX:+UseSerialGC"));
        if (withAgent) {
            command.add("-javaagent:" + ChildJvm.agentJar());
        }
        command.addAll(Arrays.asList("-cp", System.getProperty("java.class.path"), InstructionsApp.class.getName(),
                jdbcUrl, workload, Integer.toString(warmupCalls), Integer.toString(windowCalls), Integer.toString(windows)));
        Path log = dir.resolve(label + ".log");
        Benchmarks.progress("instructions: " + label + " under callgrind (a few minutes)");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(30, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(label + ": no result in 30 minutes under callgrind; see " + log);
        }
        String output = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
        if (p.exitValue() != 0 || !output.contains("DONE")) {
            throw new IllegalStateException(label + " failed under callgrind (exit " + p.exitValue() + "); see " + log);
        }
        Count count = new Count();
        for (int w = 1; w <= windows; w++) {
            count.windows.add(threads(base, w));
        }
        count.caller = caller(count.windows, label);
        return count;
    }

    /**
     * The thread that made the calls: the one whose least busy window is the busiest. It runs in
     * every window; the JIT's compiler threads, which can outdo it in a window where they
     * recompile something, are idle in others.
     */
    static int caller(List<Map<Integer, Long>> windows, String label) {
        Map<Integer, Long> least = new TreeMap<>();
        for (Map<Integer, Long> window : windows) {
            for (Map.Entry<Integer, Long> thread : window.entrySet()) {
                least.merge(thread.getKey(), thread.getValue(), Math::min);
            }
        }
        for (Map<Integer, Long> window : windows) {
            least.keySet().retainAll(window.keySet()); // a thread missing from a dump did nothing in that window
        }
        return least.entrySet().stream().max(Map.Entry.comparingByValue())
                .orElseThrow(() -> new IllegalStateException(label + ": no thread in the callgrind dumps")).getKey();
    }

    /** The instructions of each thread in dump {@code window} (files {@code base.window-TT}). */
    private static Map<Integer, Long> threads(Path base, int window) throws IOException {
        Map<Integer, Long> byThread = new TreeMap<>();
        String prefix = base.getFileName() + "." + window + "-";
        try (Stream<Path> files = Files.list(base.getParent())) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (name.startsWith(prefix)) {
                    byThread.put(Integer.parseInt(name.substring(prefix.length())), summary(f));
                }
            }
        }
        return byThread;
    }

    /** The {@code summary:} (or {@code totals:}) line of a callgrind dump: its instructions. */
    static long summary(Path dump) throws IOException {
        try (Stream<String> lines = Files.lines(dump, StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.startsWith("summary:") || l.startsWith("totals:"))
                    .findFirst()
                    .map(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).trim().split("\\s+")[0]))
                    .orElseThrow(() -> new IOException(dump + " has no summary line"));
        }
    }

    private double perCall(Count c, int window) {
        return c.windows.get(window).getOrDefault(c.caller, 0L) / (double) windowCalls;
    }

    /** Median of the windows of the second half. */
    private double figure(Count c) {
        List<Double> values = new ArrayList<>();
        for (int w = windows / 2; w < windows; w++) {
            values.add(perCall(c, w));
        }
        return Stats.median(values);
    }

    private String perWindow(Count c) {
        List<String> values = new ArrayList<>();
        for (int w = 0; w < windows; w++) {
            values.add(String.format(Locale.ROOT, "%.0f", perCall(c, w)));
        }
        return String.join(", ", values);
    }

    /** "Valgrind 3.19.0", or null when valgrind cannot be run. */
    private static String valgrindVersion() {
        try {
            Process p = new ProcessBuilder("valgrind", "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return out.replaceFirst("^valgrind-", "Valgrind ");
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }
}

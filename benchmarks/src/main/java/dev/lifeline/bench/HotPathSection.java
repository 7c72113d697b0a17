package dev.lifeline.bench;

import dev.lifeline.bench.jmh.HttpHotPath;
import dev.lifeline.bench.jmh.JdbcHotPath;
import dev.lifeline.demo.run.ChildJvm;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.util.ListStatistics;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The JMH micro-benchmark of the JDBC hot path ({@link JdbcHotPath}) inside the runner: each round
 * runs every benchmark in a fork without the agent ("bare") and in one with
 * {@code -javaagent:lifeline-agent.jar} ("wrapper"), in an order alternating per round, the way the
 * whole-JVM rows interleave their setups. JMH alone would run all forks of one configuration back
 * to back, where a neighbour's load spike lands on one side only.
 *
 * <p>A figure is the mean of every measured iteration of all rounds with its 99.9 % confidence
 * half-width (JMH's own "± error"), plus the bytes allocated per call from JMH's GC profiler.
 */
final class HotPathSection {

    /** Benchmark method, and what one operation of it is. */
    static final String[][] CALLS = {
        {"statementExecuteQuery", "`Statement.executeQuery(\"select 1\")`, `next`, `getInt`, result set closed"},
        {"preparedExecuteUpdate", "kept `PreparedStatement`: `setLong`, `executeUpdate`"},
        {"preparedExecuteBatch", "kept `PreparedStatement`: " + JdbcHotPath.BATCH_ROWS + " × (`setLong`, `addBatch`), `executeBatch`"},
        {"prepareBindExecuteClose", "`prepareStatement`, `setLong`, `executeUpdate`, `close`"},
        {"hikariBorrow", "HikariCP `getConnection` + `close` (borrow and return)"},
        {"hikariBorrowPrepareQuery", "HikariCP borrow, `prepareStatement(\"select 1\")`, `executeQuery`, `next`, `getInt`, all three closed (the runner's SELECT 1)"},
        {"hikariBorrowPrepareExecute", "HikariCP borrow, `prepareStatement`, `setLong`, `executeUpdate`, both closed (the runner's INSERT)"},
    };

    /** The HTTP client benchmarks ({@link HttpHotPath}): one GET answered inside the client, no I/O. */
    static final String[][] HTTP_CALLS = {
        {"hc5Execute", "Apache HttpClient 5: `execute(HttpGet, handler)`, entity consumed"},
        {"hc4Execute", "Apache HttpClient 4.5: `execute(HttpGet)`, entity consumed, response closed"},
        {"okhttpExecute", "OkHttp 4: `newCall(request).execute()`, body read, response closed"},
    };

    private static final String BARE = "bare";
    private static final String WRAPPER = "wrapper";

    private final int rounds;
    private final int warmupIterations;
    private final int iterations;
    private final int iterationMs;
    private final Path logDirectory;

    /** [setup][benchmark] -> every measured iteration's score (ns/op) */
    private final Map<String, Map<String, ListStatistics>> scores = new LinkedHashMap<>();
    /** [setup][benchmark] -> bytes allocated per operation, one value per round */
    private final Map<String, Map<String, List<Double>>> allocations = new LinkedHashMap<>();

    HotPathSection(int rounds, int warmupIterations, int iterations, int iterationMs, Path logDirectory) {
        this.rounds = rounds;
        this.warmupIterations = warmupIterations;
        this.iterations = iterations;
        this.iterationMs = iterationMs;
        this.logDirectory = logDirectory;
        for (String setup : new String[]{BARE, WRAPPER}) {
            Map<String, ListStatistics> perCall = new LinkedHashMap<>();
            Map<String, List<Double>> bytes = new LinkedHashMap<>();
            for (String[][] calls : new String[][][]{CALLS, HTTP_CALLS}) {
                for (String[] call : calls) {
                    perCall.put(call[0], new ListStatistics());
                    bytes.put(call[0], new ArrayList<>());
                }
            }
            scores.put(setup, perCall);
            allocations.put(setup, bytes);
        }
    }

    void run(Consumer<String> line) throws Exception {
        Path agent = ChildJvm.agentJar();
        Files.createDirectories(logDirectory);
        Benchmarks.progress("jmh: " + rounds + " rounds of " + (CALLS.length + HTTP_CALLS.length) + " benchmarks x (bare, wrapper), each a fork of "
                + warmupIterations + " + " + iterations + " iterations of " + iterationMs + " ms; JMH's output in " + logDirectory);
        for (int round = 0; round < rounds; round++) {
            List<String> order = round % 2 == 0 ? List.of(BARE, WRAPPER) : List.of(WRAPPER, BARE);
            for (String setup : order) {
                Path log = logDirectory.resolve("round-" + (round + 1) + "-" + setup + ".txt");
                ChainedOptionsBuilder options = new OptionsBuilder()
                        .include(JdbcHotPath.class.getName() + "\\.")
                        .include(HttpHotPath.class.getName() + "\\.")
                        .forks(1)
                        .warmupIterations(warmupIterations)
                        .warmupTime(TimeValue.milliseconds(iterationMs))
                        .measurementIterations(iterations)
                        .measurementTime(TimeValue.milliseconds(iterationMs))
                        .addProfiler(GCProfiler.class)
                        .shouldFailOnError(true)
                        .output(log.toString())
                        .jvmArgs("-Xmx256m", "-XX:+UseG1GC", "-Dbench.expect=" + setup);
                if (setup.equals(WRAPPER)) {
                    options.jvmArgsAppend("-javaagent:" + agent);
                }
                StringBuilder summary = new StringBuilder();
                for (RunResult result : new Runner(options.build()).run()) {
                    String benchmark = result.getParams().getBenchmark();
                    String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
                    ListStatistics statistics = scores.get(setup).get(method);
                    if (statistics == null) {
                        continue; // a benchmark added to JdbcHotPath or HttpHotPath but not to the tables yet
                    }
                    for (BenchmarkResult fork : result.getBenchmarkResults()) {
                        for (IterationResult iteration : fork.getIterationResults()) {
                            statistics.addValue(iteration.getPrimaryResult().getScore());
                        }
                    }
                    Double bytes = allocationPerOperation(result);
                    if (bytes != null) {
                        allocations.get(setup).get(method).add(bytes);
                    }
                    summary.append(String.format(Locale.ROOT, "%s=%.1f ", method, result.getPrimaryResult().getScore()));
                }
                Benchmarks.progress(String.format(Locale.ROOT, "jmh round %d %-7s ns/op: %s", round + 1, setup, summary.toString().trim()));
            }
        }
        table(line);
    }

    private static Double allocationPerOperation(RunResult result) {
        for (Map.Entry<String, Result> secondary : result.getSecondaryResults().entrySet()) {
            if (secondary.getKey().endsWith("gc.alloc.rate.norm")) {
                return secondary.getValue().getScore();
            }
        }
        return null;
    }

    private void table(Consumer<String> line) {
        long perFigure = scores.get(BARE).get(CALLS[0][0]).getN();
        line.accept("");
        line.accept("### JDBC hot path, JMH: Lifeline's wrapper vs the bare driver");
        line.accept("");
        line.accept("One call at a time on one thread over a stub JDBC driver that does no I/O (`stubjdbc`, in `benchmarks/`), "
                + "so nothing hides what sits between the application and the driver. The same benchmark (`JdbcHotPath`) runs in a fork "
                + "without the agent (bare: the driver's own objects) and in one with `-javaagent:lifeline-agent.jar` (wrapper: "
                + "`Driver.connect` hands out Lifeline's connection); each fork checks at set-up that it got what it should. "
                + "ns per operation: mean of " + perFigure + " iterations of " + iterationMs + " ms (" + rounds
                + " interleaved rounds, one fork per round and setup) ± the 99.9 % confidence half-width; "
                + "B/op: bytes allocated per operation (JMH's GC profiler), median over rounds.");
        line.accept("");
        line.accept("| operation | bare (ns/op) | wrapper (ns/op) | added (ns/op) | bare (B/op) | wrapper (B/op) |");
        line.accept("|---|---:|---:|---:|---:|---:|");
        rows(CALLS, line);
        line.accept("");
        line.accept("### HTTP client libraries, JMH: with Lifeline vs the bare client");
        line.accept("");
        line.accept("One GET at a time on one thread through each library, built as an application builds it plus one hook of the library's own "
                + "that answers every request with a canned 200 before any connection is leased (HttpClient 5's first exec interceptor, "
                + "HttpClient 4's main exec, OkHttp's first application interceptor); Lifeline's woven entry points sit above the hook, so all it "
                + "does per call runs. The same benchmark (`HttpHotPath`) runs in the two forks above, each checking at set-up, with a GET answered "
                + "503 then 200, that Lifeline does (2 answers) or does not (1) act on the client's calls. Figures as above.");
        line.accept("");
        line.accept("| operation | bare (ns/op) | with Lifeline (ns/op) | added (ns/op) | bare (B/op) | with Lifeline (B/op) |");
        line.accept("|---|---:|---:|---:|---:|---:|");
        rows(HTTP_CALLS, line);
    }

    private void rows(String[][] calls, Consumer<String> line) {
        for (String[] call : calls) {
            ListStatistics bare = scores.get(BARE).get(call[0]);
            ListStatistics wrapper = scores.get(WRAPPER).get(call[0]);
            line.accept(String.format(Locale.ROOT, "| %s | %s | %s | %+.1f | %.0f | %.0f |", call[1],
                    withError(bare), withError(wrapper), wrapper.getMean() - bare.getMean(),
                    Stats.median(allocations.get(BARE).get(call[0])), Stats.median(allocations.get(WRAPPER).get(call[0]))));
        }
    }

    private static String withError(ListStatistics statistics) {
        double error = statistics.getN() > 2 ? statistics.getMeanErrorAt(0.999) : Double.NaN;
        return Double.isNaN(error)
                ? String.format(Locale.ROOT, "%.1f", statistics.getMean())
                : String.format(Locale.ROOT, "%.1f ± %.1f", statistics.getMean(), error);
    }
}

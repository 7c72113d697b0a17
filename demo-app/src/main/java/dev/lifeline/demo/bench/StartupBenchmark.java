package dev.lifeline.demo.bench;

import dev.lifeline.demo.db.Database;
import dev.lifeline.demo.run.ChildJvm;
import dev.lifeline.demo.workload.SmallJdbcApp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Start-up cost of the agent on a small JDBC application: wall time of the whole process (JVM
 * start, connect, one query, exit) and its peak RSS, without and with the agent, runs interleaved
 * in one session so both see the same machine. Prints a markdown table for BENCHMARKS.md.
 *
 * <pre>java -cp demo-app/target/lifeline-demo.jar dev.lifeline.demo.bench.StartupBenchmark [runs]</pre>
 */
public final class StartupBenchmark {

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        try (Database database = Database.embedded()) {
            String url = database.url();
            List<Long> wallWithout = new ArrayList<>();
            List<Long> wallWith = new ArrayList<>();
            List<Long> rssWithout = new ArrayList<>();
            List<Long> rssWith = new ArrayList<>();
            // One warm-up each: file-system caches, the server's first connection.
            ChildJvm.withoutAgent().run(SmallJdbcApp.class, 60, url);
            ChildJvm.withAgent("").run(SmallJdbcApp.class, 60, url);
            for (int i = 0; i < runs; i++) {
                measure(ChildJvm.withoutAgent(), url, wallWithout, rssWithout);
                measure(ChildJvm.withAgent(""), url, wallWith, rssWith);
            }
            long w0 = median(wallWithout);
            long w1 = median(wallWith);
            long r0 = median(rssWithout);
            long r1 = median(rssWith);
            System.out.println("| | without agent | with Lifeline | added |");
            System.out.println("|---|---:|---:|---:|");
            System.out.printf(Locale.ROOT, "| wall time, median of %d (ms) | %d | %d | %+d |%n", runs, w0, w1, w1 - w0);
            System.out.printf(Locale.ROOT, "| peak RSS, median (MiB) | %.1f | %.1f | %+.1f |%n", r0 / 1024.0, r1 / 1024.0, (r1 - r0) / 1024.0);
        }
    }

    private static void measure(ChildJvm jvm, String url, List<Long> wall, List<Long> rss) throws Exception {
        ChildJvm.Result result = jvm.run(SmallJdbcApp.class, 60, url);
        if (result.exitCode != 0) {
            throw new IllegalStateException("the application failed: " + result);
        }
        wall.add(result.elapsedMs);
        for (String line : result.stdout) {
            if (line.startsWith("PEAK_RSS_KB=")) {
                rss.add(Long.parseLong(line.substring("PEAK_RSS_KB=".length())));
            }
        }
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}

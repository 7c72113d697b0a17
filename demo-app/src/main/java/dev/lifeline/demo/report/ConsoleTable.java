package dev.lifeline.demo.report;

import java.util.List;
import java.util.Locale;

/** The before/after table the demo prints when every run is done. */
public final class ConsoleTable {

    private static final String FORMAT = "%-3s %-13s %-8s %10s %7s %8s %9s %9s %8s %6s %11s%n";

    private ConsoleTable() {
    }

    public static String render(List<RunRecord> runs) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, FORMAT, "#", "scenario", "agent", "operations", "failed", "success",
                "p50", "p99", "retries", "lost", "duplicated"));
        String previous = null;
        for (RunRecord r : runs) {
            boolean first = !r.scenario.name.equals(previous);
            previous = r.scenario.name;
            out.append(String.format(Locale.ROOT, FORMAT,
                    first ? String.valueOf(r.scenario.incident) : "",
                    first ? r.scenario.name : "",
                    r.agentLabel(), r.operations, r.failed,
                    String.format(Locale.ROOT, "%.1f%%", r.successRate()),
                    String.format(Locale.ROOT, "%.1f ms", r.p50Ms),
                    String.format(Locale.ROOT, "%.1f ms", r.p99Ms),
                    r.retries, r.lost, r.duplicated));
        }
        return out.toString();
    }
}

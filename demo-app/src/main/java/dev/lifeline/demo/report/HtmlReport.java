package dev.lifeline.demo.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The self-contained HTML report: one file, styles inline, charts as inline SVG, no script and no
 * network, so it opens anywhere (and renders the same in a headless browser for the README).
 */
public final class HtmlReport {

    private static final String WITHOUT = "#d9534f";
    private static final String WITH = "#2e8b57";
    private static final String OK = "#8cc59a";
    private static final String FAIL = "#d9534f";

    private HtmlReport() {
    }

    public static void write(Path file, List<RunRecord> runs, Map<String, String> environment) throws IOException {
        Files.write(file, render(runs, environment).getBytes(StandardCharsets.UTF_8));
    }

    public static String render(List<RunRecord> runs, Map<String, String> environment) {
        Map<String, List<RunRecord>> byScenario = new LinkedHashMap<>();
        for (RunRecord run : runs) {
            byScenario.computeIfAbsent(run.scenario.name, k -> new ArrayList<>()).add(run);
        }
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"UTF-8\">\n")
                .append("<title>Lifeline demo: the incidents without and with the agent</title>\n<style>\n")
                .append("body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:24px auto;max-width:1180px;color:#222;padding:0 16px}\n")
                .append("h1{font-size:26px;margin-bottom:4px}h2{font-size:20px;margin-top:34px;border-bottom:1px solid #ddd;padding-bottom:4px}\n")
                .append(".sub{color:#666;font-size:13px}table{border-collapse:collapse;font-size:13px;margin:10px 0}\n")
                .append("th,td{border:1px solid #ddd;padding:4px 8px;text-align:right}th{background:#f4f4f4}td.l,th.l{text-align:left}\n")
                .append("tr.with td{background:#f1f9f3}.bad{color:#c9302c;font-weight:600}.good{color:#2e7d4f;font-weight:600}\n")
                .append(".standin{background:#fff8e1;border-left:4px solid #f0ad4e;padding:6px 10px;font-size:13px;margin:8px 0}\n")
                .append(".cols{display:flex;gap:24px;flex-wrap:wrap}.cols>div{flex:1;min-width:420px}\n")
                .append(".errors{font-family:monospace;font-size:11px;color:#444;white-space:pre-wrap;background:#fafafa;padding:6px;border:1px solid #eee}\n")
                .append("p{font-size:14px;line-height:1.45}.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px}\n")
                .append("</style>\n</head>\n<body>\n");
        h.append("<h1>Lifeline: the incidents, without and with the agent</h1>\n<div class=\"sub\">");
        List<String> env = new ArrayList<>();
        environment.forEach((k, v) -> env.add(esc(k) + ": " + esc(v)));
        h.append(String.join(" &middot; ", env)).append("</div>\n");
        h.append("<p>Each workload is an ordinary application that knows nothing of Lifeline. It ran twice in a child JVM, "
                + "with the same seed and the same operations: first as it is, then with <code>-javaagent:lifeline-agent.jar</code>. "
                + "Failures are what the application caught; lost and duplicated writes were checked against the rows in PostgreSQL.</p>\n");

        h.append(successChart(byScenario));
        h.append(summaryTable(runs));
        h.append("<p class=\"sub\">This demo runs on ").append(esc(System.getProperty("os.name")))
                .append(". The incidents happened on Windows; their error numbers do not exist here, so each scenario names the "
                        + "failure that stands in for its Windows error. Every fault is injected by a TCP proxy or by the servers "
                        + "themselves (a real PostgreSQL, a real HTTP server); nothing is simulated inside the application.</p>\n");

        for (List<RunRecord> pair : byScenario.values()) {
            ScenarioInfo s = pair.get(0).scenario;
            h.append("<h2>").append(s.incident).append(". ").append(esc(s.title)).append("</h2>\n");
            if (s.windowsError.isEmpty()) {
                // Not one of the Windows incidents: the fault is the real thing, nothing stands in for it.
                h.append("<div class=\"standin\"><b>The fault:</b> ").append(esc(s.standIn)).append("</div>\n");
            } else {
                h.append("<div class=\"standin\"><b>On Windows:</b> ").append(esc(s.windowsError))
                        .append("<br><b>Stand-in here:</b> ").append(esc(s.standIn)).append("</div>\n");
            }
            h.append("<p><b>The application:</b> ").append(esc(s.application)).append("</p>\n");
            h.append("<p><b>Lifeline:</b> ").append(esc(s.lifeline))
                    .append(s.agentArguments.isEmpty() ? " (default settings)" : " Agent arguments: <code>" + esc(s.agentArguments) + "</code>.")
                    .append("</p>\n");
            h.append("<div class=\"cols\">");
            for (RunRecord r : pair) {
                h.append("<div>").append(timeline(r)).append(errors(r)).append("</div>");
            }
            h.append("</div>\n<p class=\"sub\">Retries column: ").append(esc(s.retriesMeaning)).append("</p>\n");
        }
        h.append("<p class=\"sub\">Generated by <code>java -jar demo-app/target/lifeline-demo.jar</code>; machine-readable results in "
                + "<code>summary.json</code> beside this file.</p>\n</body>\n</html>\n");
        return h.toString();
    }

    private static String summaryTable(List<RunRecord> runs) {
        StringBuilder t = new StringBuilder("<table>\n<tr><th class=\"l\">#</th><th class=\"l\">scenario</th><th class=\"l\">agent</th>"
                + "<th>operations</th><th>failed</th><th>success</th><th>p50</th><th>p99</th><th>retries</th>"
                + "<th>writes acknowledged</th><th>lost</th><th>duplicated</th><th>faults injected</th></tr>\n");
        for (RunRecord r : runs) {
            t.append("<tr class=\"").append(r.agentLabel()).append("\"><td class=\"l\">").append(r.scenario.incident)
                    .append("</td><td class=\"l\">").append(esc(r.scenario.name)).append("</td><td class=\"l\">").append(r.agentLabel())
                    .append("</td><td>").append(r.operations)
                    .append("</td><td class=\"").append(r.failed > 0 ? "bad" : "good").append("\">").append(r.failed)
                    .append("</td><td>").append(fmt("%.1f%%", r.successRate()))
                    .append("</td><td>").append(fmt("%.1f ms", r.p50Ms)).append("</td><td>").append(fmt("%.1f ms", r.p99Ms))
                    .append("</td><td>").append(r.retries).append("</td><td>").append(r.acknowledgedWrites)
                    .append("</td><td class=\"").append(r.lost > 0 ? "bad" : "good").append("\">").append(r.lost)
                    .append("</td><td class=\"").append(r.duplicated > 0 ? "bad" : "good").append("\">").append(r.duplicated)
                    .append("</td><td>").append(r.faultsInjected).append("</td></tr>\n");
        }
        return t.append("</table>\n").toString();
    }

    /** Success rate per scenario: a red bar without the agent, a green one with it. */
    private static String successChart(Map<String, List<RunRecord>> byScenario) {
        int rowHeight = 46;
        int left = 330;
        int width = 1000;
        int barWidth = width - left - 70;
        int height = 40 + rowHeight * byScenario.size();
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"Helvetica,Arial,sans-serif\" font-size=\"12\" role=\"img\" aria-label=\"success rate per scenario\">", width, height));
        svg.append("<text x=\"0\" y=\"14\" font-weight=\"bold\" font-size=\"13\">Operations that succeeded, as the application saw them</text>");
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"4\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"13\">without agent</text>",
                left + barWidth - 190, WITHOUT, left + barWidth - 176));
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"4\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"13\">with agent</text>",
                left + barWidth - 80, WITH, left + barWidth - 66));
        int y = 28;
        for (List<RunRecord> pair : byScenario.values()) {
            ScenarioInfo s = pair.get(0).scenario;
            svg.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"%d\">%d. %s</text>", y + 19, s.incident, esc(shorten(s.title, 52))));
            int barY = y + 4;
            for (RunRecord r : pair) {
                double w = barWidth * r.successRate() / 100.0;
                svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"16\" fill=\"#eee\"/>", left, barY, barWidth));
                svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"%s\"/>", left, barY, w, r.agent ? WITH : WITHOUT));
                svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%.1f%%</text>", left + barWidth + 6, barY + 12, r.successRate()));
                barY += 18;
            }
            y += rowHeight;
        }
        return svg.append("</svg>\n").toString();
    }

    /** Operations per time slice of one run: green succeeded, red failed. */
    private static String timeline(RunRecord r) {
        int width = 540;
        int height = 150;
        int left = 34;
        int top = 22;
        int plotH = height - top - 22;
        int plotW = width - left - 6;
        int n = r.okTimeline.length;
        int max = 1;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, r.okTimeline[i] + r.failedTimeline[i]);
        }
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"Helvetica,Arial,sans-serif\" font-size=\"11\" role=\"img\">", width, height));
        svg.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"13\" font-weight=\"bold\" fill=\"%s\">%s the agent</text>",
                r.agent ? WITH : WITHOUT, r.agent ? "With" : "Without"));
        svg.append(String.format(Locale.ROOT, "<text x=\"110\" y=\"13\">%d operations, %d failed, p50 %.1f ms, p99 %.1f ms, %d lost, %d duplicated</text>",
                r.operations, r.failed, r.p50Ms, r.p99Ms, r.lost, r.duplicated));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>", left, top + plotH, left + plotW, top + plotH));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%d</text>", left - 4, top + 8, max));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>", left - 4, top + plotH));
        double slot = (double) plotW / n;
        for (int i = 0; i < n; i++) {
            double okH = (double) plotH * r.okTimeline[i] / max;
            double failH = (double) plotH * r.failedTimeline[i] / max;
            double x = left + i * slot + 1;
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
                    x, top + plotH - okH, slot - 2, okH, OK));
            if (failH > 0) {
                svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
                        x, top + plotH - okH - failH, slot - 2, failH, FAIL));
            }
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">0 s</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.1f s</text>",
                left, height - 6, left + plotW, height - 6, r.elapsedMs / 1000.0));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#666\">operations started per slice "
                + "(green succeeded, red failed)</text>", left + plotW / 2, height - 6));
        return svg.append("</svg>\n").toString();
    }

    private static String errors(RunRecord r) {
        if (r.errors.isEmpty()) {
            return "<div class=\"errors\">The application caught no error.</div>";
        }
        StringBuilder e = new StringBuilder("<div class=\"errors\">What the application caught (count, kind):\n");
        r.errors.stream().limit(4).forEach(line -> e.append(esc(line.replace('\t', ' '))).append('\n'));
        return e.append("</div>").toString();
    }

    private static String shorten(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "\u2026";
    }

    private static String fmt(String format, double value) {
        return String.format(Locale.ROOT, format, value);
    }

    static String esc(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

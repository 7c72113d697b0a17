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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code summary.json}: one flat record per run, for machines (the integration test reads it):
 * {@code scenario, incident, agent, operations, failed, lost, duplicated, p50Ms, p99Ms, retries}.
 */
public final class SummaryJson {

    private static final Pattern RECORD = Pattern.compile("\\{([^{}]*)}");
    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\"\\s*:\\s*(\"[^\"]*\"|[-0-9.eE]+|true|false)");

    private SummaryJson() {
    }

    public static String render(List<RunRecord> runs) {
        StringBuilder json = new StringBuilder("{\n  \"runs\": [\n");
        for (int i = 0; i < runs.size(); i++) {
            RunRecord r = runs.get(i);
            json.append(String.format(Locale.ROOT,
                    "    {\"scenario\": \"%s\", \"incident\": %d, \"agent\": %b, \"operations\": %d, \"failed\": %d, "
                            + "\"writes\": %d, \"lost\": %d, \"duplicated\": %d, \"p50Ms\": %.1f, \"p99Ms\": %.1f, "
                            + "\"retries\": %d, \"faultsInjected\": %d, \"elapsedMs\": %d}%s%n",
                    r.scenario.name, r.scenario.incident, r.agent, r.operations, r.failed, r.acknowledgedWrites,
                    r.lost, r.duplicated, r.p50Ms, r.p99Ms, r.retries, r.faultsInjected, r.elapsedMs,
                    i + 1 < runs.size() ? "," : ""));
        }
        return json.append("  ]\n}\n").toString();
    }

    public static void write(Path file, List<RunRecord> runs) throws IOException {
        Files.write(file, render(runs).getBytes(StandardCharsets.UTF_8));
    }

    /** Reads back the records this class writes: field name to value (strings unquoted). */
    public static List<Map<String, String>> read(Path file) throws IOException {
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        List<Map<String, String>> records = new ArrayList<>();
        Matcher record = RECORD.matcher(text.substring(text.indexOf('[')));
        while (record.find()) {
            Map<String, String> fields = new LinkedHashMap<>();
            Matcher field = FIELD.matcher(record.group(1));
            while (field.find()) {
                String value = field.group(2);
                fields.put(field.group(1), value.startsWith("\"") ? value.substring(1, value.length() - 1) : value);
            }
            records.add(fields);
        }
        return records;
    }
}

package dev.lifeline.pgjdbcsuite;

import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;

/**
 * Compares two Surefire runs of pgjdbc's suite, without and with the agent, test by test.
 *
 * <p>Usage: {@code SuiteComparison <reports without> <log without> <reports with> <log with> <out dir>}.
 * Writes {@code summary.txt}, {@code diff.txt} (every test whose outcome differs, with the first
 * lines of its failure), {@code causes.txt} (those tests grouped by what went wrong, with the
 * Lifeline frames of their stacks) and {@code classes.tsv} (per class counts and times); prints
 * the summary. Exit status 0 when every outcome is the same, 1 when some differ.
 */
public final class SuiteComparison {

    enum Outcome { PASSED, FAILED, ERROR, SKIPPED, NO_REPORT }

    /** One test method's result; {@code detail} is the failure's stack text or the skip reason. */
    record TestResult(String className, String name, Outcome outcome, String type, String message, String detail) {
        String key() {
            return className + "#" + name;
        }
    }

    record ClassResult(String className, double seconds, List<TestResult> tests) {
    }

    /** A run: the classes with a report, and the classes Surefire started (from its log). */
    record Run(String label, Map<String, ClassResult> classes, Set<String> started) {
        long count(Outcome outcome) {
            return classes.values().stream().flatMap(c -> c.tests().stream())
                    .filter(t -> t.outcome() == outcome).count();
        }

        long run() {
            return classes.values().stream().mapToLong(c -> c.tests().size()).sum();
        }

        Set<String> withoutReport() {
            Set<String> missing = new TreeSet<>(started);
            missing.removeAll(classes.keySet());
            return missing;
        }
    }

    record Difference(TestResult without, TestResult with) {
        String key() {
            return (with != null ? with : without).key();
        }

        String className() {
            return (with != null ? with : without).className();
        }
    }

    private static final Pattern RUNNING = Pattern.compile("Running ([\\w.$]+)\\s*$");
    private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z?");
    private static final Pattern ADDRESS =
            Pattern.compile("(?:localhost|\\d{1,3}(?:\\.\\d{1,3}){3}|\\[[0-9a-fA-F:]+\\]):\\d+");
    private static final Pattern NUMBER = Pattern.compile("(?<![A-Za-z_$])\\d+");
    private static final int DETAIL_LINES = 12;

    private SuiteComparison() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: SuiteComparison <reports without> <log without> <reports with> <log with> <out dir>");
            System.exit(2);
        }
        Run without = read("without agent", Path.of(args[0]), Path.of(args[1]));
        Run with = read("with agent", Path.of(args[2]), Path.of(args[3]));
        Path out = Path.of(args[4]);
        Files.createDirectories(out);

        List<Difference> differences = differences(without, with);
        String summary = summary(without, with, differences, out);
        Files.writeString(out.resolve("summary.txt"), summary);
        Files.writeString(out.resolve("diff.txt"), diffText(differences));
        Files.writeString(out.resolve("causes.txt"), causesText(differences, Integer.MAX_VALUE, true));
        Files.writeString(out.resolve("classes.tsv"), classesTable(without, with));
        System.out.print(summary);
        if (!differences.isEmpty()) {
            System.out.println();
            System.out.print(causesText(differences, 15, false));
        }
        System.exit(differences.isEmpty() ? 0 : 1);
    }

    // ---------------------------------------------------------------- reading

    static Run read(String label, Path reports, Path log) throws Exception {
        Map<String, ClassResult> classes = new TreeMap<>();
        if (Files.isDirectory(reports)) {
            DocumentBuilder parser = DocumentBuilderFactory.newInstance().newDocumentBuilder();
            List<Path> files;
            try (Stream<Path> list = Files.list(reports)) {
                files = list.filter(p -> p.getFileName().toString().startsWith("TEST-")
                        && p.getFileName().toString().endsWith(".xml")).sorted().collect(Collectors.toList());
            }
            for (Path file : files) {
                ClassResult result = readSuite(parser, file);
                classes.put(result.className(), result);
            }
        }
        Set<String> started = new LinkedHashSet<>();
        if (Files.exists(log)) {
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                Matcher m = RUNNING.matcher(line);
                if (m.find()) {
                    started.add(m.group(1));
                }
            }
        }
        started.addAll(classes.keySet());
        return new Run(label, classes, started);
    }

    private static ClassResult readSuite(DocumentBuilder parser, Path file) throws Exception {
        Element suite = parser.parse(file.toFile()).getDocumentElement();
        String suiteName = suite.getAttribute("name");
        List<TestResult> tests = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        NodeList cases = suite.getElementsByTagName("testcase");
        for (int i = 0; i < cases.getLength(); i++) {
            Element tc = (Element) cases.item(i);
            String name = tc.getAttribute("name");
            // Parameterized tests can repeat a name: number the repeats so both runs pair them up.
            int n = seen.merge(name, 1, Integer::sum);
            if (n > 1) {
                name = name + " #" + n;
            }
            Outcome outcome = Outcome.PASSED;
            String type = "";
            String message = "";
            String detail = "";
            for (Node child = tc.getFirstChild(); child != null; child = child.getNextSibling()) {
                if (!(child instanceof Element)) {
                    continue;
                }
                Element e = (Element) child;
                Outcome o = switch (e.getTagName()) {
                    case "failure" -> Outcome.FAILED;
                    case "error" -> Outcome.ERROR;
                    case "skipped" -> Outcome.SKIPPED;
                    default -> null;
                };
                if (o != null) {
                    outcome = o;
                    type = e.getAttribute("type");
                    message = e.getAttribute("message");
                    detail = e.getTextContent() == null ? "" : e.getTextContent();
                    break;
                }
            }
            tests.add(new TestResult(suiteName, name, outcome, type, message, detail));
        }
        double seconds = parseSeconds(suite.getAttribute("time"));
        return new ClassResult(suiteName, seconds, tests);
    }

    private static double parseSeconds(String time) {
        try {
            return Double.parseDouble(time.replace(",", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    // ---------------------------------------------------------------- comparing

    static List<Difference> differences(Run without, Run with) {
        Set<String> classNames = new TreeSet<>(without.started());
        classNames.addAll(with.started());
        List<Difference> out = new ArrayList<>();
        for (String className : classNames) {
            ClassResult a = without.classes().get(className);
            ClassResult b = with.classes().get(className);
            if (a == null && b == null) {
                continue; // the same in both runs; the summary names it
            }
            if (a == null || b == null) {
                ClassResult present = a != null ? a : b;
                String why = "no report " + (a == null ? "without" : "with")
                        + " the agent: the class timed out or its JVM died (see the run's log); "
                        + present.tests().size() + " tests in the other run";
                TestResult missing = noReport(className, why);
                TestResult summaryOfPresent = new TestResult(className, "(whole class)", Outcome.PASSED, "", "",
                        present.tests().size() + " tests: " + outcomeCounts(present.tests()));
                out.add(a == null ? new Difference(missing, summaryOfPresent) : new Difference(summaryOfPresent, missing));
                continue;
            }
            Map<String, TestResult> byKey = new LinkedHashMap<>();
            for (TestResult t : a.tests()) {
                byKey.put(t.key(), t);
            }
            Set<String> keysWith = new LinkedHashSet<>();
            for (TestResult t : b.tests()) {
                keysWith.add(t.key());
                TestResult before = byKey.get(t.key());
                if (before == null || before.outcome() != t.outcome()) {
                    out.add(new Difference(before, t));
                }
            }
            for (TestResult t : a.tests()) {
                if (!keysWith.contains(t.key())) {
                    out.add(new Difference(t, null));
                }
            }
        }
        return out;
    }

    private static TestResult noReport(String className, String why) {
        return new TestResult(className, "(whole class)", Outcome.NO_REPORT, "", why, "");
    }

    private static String outcomeCounts(List<TestResult> tests) {
        Map<Outcome, Long> counts = new TreeMap<>(tests.stream()
                .collect(Collectors.groupingBy(TestResult::outcome, Collectors.counting())));
        return counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey().name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
    }

    // ---------------------------------------------------------------- writing

    static String summary(Run without, Run with, List<Difference> differences, Path out) {
        StringWriter text = new StringWriter();
        PrintWriter w = new PrintWriter(text);
        w.println("pgjdbc's own test suite, without and with the Lifeline agent");
        w.printf("%-16s %8s %8s %8s %8s %8s %16s%n", "", "classes", "run", "failed", "errors", "skipped",
                "no report");
        for (Run run : List.of(without, with)) {
            w.printf("%-16s %8d %8d %8d %8d %8d %16d%n", run.label(), run.classes().size(), run.run(),
                    run.count(Outcome.FAILED), run.count(Outcome.ERROR), run.count(Outcome.SKIPPED),
                    run.withoutReport().size());
        }
        long classes = differences.stream().map(Difference::className).distinct().count();
        if (differences.isEmpty()) {
            w.println("Every test has the same outcome in both runs.");
        } else {
            w.printf("%d tests in %d classes differ: %s (per test), %s (by cause)%n", differences.size(), classes,
                    out.resolve("diff.txt"), out.resolve("causes.txt"));
        }
        for (Run run : List.of(without, with)) {
            if (!run.withoutReport().isEmpty()) {
                w.println("No report " + run.label() + " (timed out or JVM died): " + String.join(", ",
                        run.withoutReport()));
            }
        }
        w.flush();
        return text.toString();
    }

    static String diffText(List<Difference> differences) {
        StringBuilder b = new StringBuilder();
        b.append("# Every test whose outcome differs: without the agent -> with it.\n");
        for (Difference d : differences) {
            b.append('\n').append(d.key()).append(": ").append(outcome(d.without())).append(" -> ")
                    .append(outcome(d.with())).append('\n');
            TestResult shown = isBad(d.with()) ? d.with() : d.without();
            if (shown != null) {
                appendDetail(b, shown, DETAIL_LINES);
            }
        }
        return b.toString();
    }

    private static String outcome(TestResult t) {
        return t == null ? "ABSENT" : t.outcome().name();
    }

    private static boolean isBad(TestResult t) {
        return t != null && t.outcome() != Outcome.PASSED;
    }

    private static void appendDetail(StringBuilder b, TestResult t, int lines) {
        String first = t.type().isEmpty() ? t.message() : t.type() + ": " + t.message();
        if (!first.isBlank()) {
            b.append("    ").append(oneLine(first, 400)).append('\n');
        }
        String[] stack = t.detail().split("\r?\n");
        int shown = 0;
        for (int i = 0; i < stack.length && shown < lines; i++) {
            String line = stack[i].strip();
            if (line.isEmpty() || (i == 0 && first.contains(oneLine(line, 200))) || isFrameworkFrame(line)) {
                continue;
            }
            b.append("    ").append(oneLine(line, 400)).append('\n');
            shown++;
        }
    }

    /** JDK, JUnit and Surefire frames say nothing about what the driver or Lifeline did. */
    private static boolean isFrameworkFrame(String line) {
        return line.startsWith("at java.base/") || line.startsWith("at org.junit.")
                || line.startsWith("at jdk.internal.") || line.startsWith("at org.apache.maven.")
                || line.startsWith("at jdk.proxy") || (line.startsWith("...") && line.endsWith("more"));
    }

    /**
     * Groups the differences by what went wrong with the agent: the exception type and the first
     * line of its message with numbers blanked (proxy class numbers, ports, counts), or the skip
     * reason, or a missing report.
     */
    static String causesText(List<Difference> differences, int maxGroups, boolean full) {
        Map<String, List<Difference>> groups = new LinkedHashMap<>();
        for (Difference d : differences) {
            groups.computeIfAbsent(cause(d), k -> new ArrayList<>()).add(d);
        }
        List<Map.Entry<String, List<Difference>>> sorted = new ArrayList<>(groups.entrySet());
        sorted.sort(Comparator.comparingInt((Map.Entry<String, List<Difference>> e) -> e.getValue().size()).reversed());
        StringBuilder b = new StringBuilder();
        b.append(sorted.size()).append(" causes, largest first (tests, classes: cause)\n");
        int n = 0;
        for (Map.Entry<String, List<Difference>> group : sorted) {
            if (n++ >= maxGroups) {
                b.append("... ").append(sorted.size() - maxGroups).append(" more causes in causes.txt\n");
                break;
            }
            List<Difference> members = group.getValue();
            Map<String, Long> perClass = new TreeMap<>(members.stream()
                    .collect(Collectors.groupingBy(Difference::className, Collectors.counting())));
            b.append(String.format("%6d tests, %3d classes: %s%n", members.size(), perClass.size(), group.getKey()));
            if (!full) {
                continue;
            }
            b.append("    classes: ").append(perClass.entrySet().stream()
                    .map(e -> shortName(e.getKey()) + " (" + e.getValue() + ")").collect(Collectors.joining(", ")))
                    .append('\n');
            Difference example = members.get(0);
            b.append("    example: ").append(example.key()).append(": ").append(outcome(example.without()))
                    .append(" -> ").append(outcome(example.with())).append('\n');
            TestResult shown = isBad(example.with()) ? example.with() : example.without();
            if (shown != null) {
                StringBuilder detail = new StringBuilder();
                appendDetail(detail, shown, 25);
                b.append(detail.toString().replace("\n    ", "\n        ").replaceFirst("^    ", "        "));
            }
            Set<String> lifelineFrames = new TreeSet<>();
            for (Difference d : members) {
                TestResult t = isBad(d.with()) ? d.with() : d.without();
                if (t != null) {
                    for (String line : t.detail().split("\r?\n")) {
                        String s = line.strip();
                        if (s.startsWith("at dev.lifeline.")) {
                            lifelineFrames.add(s.substring(3));
                        }
                    }
                }
            }
            if (!lifelineFrames.isEmpty()) {
                b.append("    Lifeline frames in this group's stacks:\n");
                lifelineFrames.stream().limit(30).forEach(f -> b.append("        ").append(f).append('\n'));
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static String cause(Difference d) {
        TestResult with = d.with();
        TestResult without = d.without();
        if (with == null) {
            return "test absent with the agent";
        }
        if (with.outcome() == Outcome.NO_REPORT || (without != null && without.outcome() == Outcome.NO_REPORT)) {
            return "no report " + (with.outcome() == Outcome.NO_REPORT ? "with" : "without")
                    + " the agent (class timed out or its JVM died)";
        }
        if (without == null) {
            return "test only with the agent: " + with.outcome();
        }
        boolean failedWithout = without.outcome() == Outcome.FAILED || without.outcome() == Outcome.ERROR;
        if (with.outcome() == Outcome.PASSED || (with.outcome() == Outcome.SKIPPED && failedWithout)) {
            return "better with the agent: " + without.outcome() + " -> " + with.outcome() + " ("
                    + normalise(firstLine(without)) + ")";
        }
        if (with.outcome() == Outcome.SKIPPED) {
            return "skipped with the agent: " + normalise(firstLine(with));
        }
        String cause = normalise(firstLine(with));
        // An assertion (or pgjdbc's SslTest calling initCause on one) says what the test expected;
        // the exception under it says what the driver or Lifeline did instead.
        if (with.type().contains("Assertion") || with.message().startsWith("Can't overwrite cause")) {
            String under = firstCausedBy(with.detail());
            if (!under.isEmpty()) {
                cause = oneLine(cause, 150) + " <- " + normalise(under);
            }
        }
        return with.outcome().name().toLowerCase(Locale.ROOT) + ": " + cause;
    }

    private static String firstCausedBy(String detail) {
        for (String line : detail.split("\r?\n")) {
            String s = line.strip();
            if (s.startsWith("Caused by: ")) {
                return s.substring("Caused by: ".length());
            }
        }
        return "";
    }

    private static String firstLine(TestResult t) {
        String message = t.message().isBlank() ? t.detail() : t.message();
        String line = message.strip().split("\r?\n", 2)[0];
        return t.type().isEmpty() || line.startsWith(t.type()) ? line : t.type() + ": " + line;
    }

    /** Blanks what differs between tests of one cause: times, addresses, ports, counts. */
    private static String normalise(String line) {
        String s = TIMESTAMP.matcher(line).replaceAll("TIME");
        s = ADDRESS.matcher(s).replaceAll("HOST:PORT");
        return oneLine(NUMBER.matcher(s).replaceAll("N"), 200);
    }

    private static String oneLine(String s, int max) {
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() <= max ? one : one.substring(0, max) + "...";
    }

    private static String shortName(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? className : className.substring(dot + 1);
    }

    static String classesTable(Run without, Run with) {
        Set<String> names = new TreeSet<>(without.started());
        names.addAll(with.started());
        StringBuilder b = new StringBuilder(
                "class\ttests\tseconds_without\tseconds_with\tbad_without\tbad_with\tskipped_without\tskipped_with\n");
        for (String name : names) {
            ClassResult a = without.classes().get(name);
            ClassResult c = with.classes().get(name);
            int tests = a != null ? a.tests().size() : c != null ? c.tests().size() : 0;
            b.append(name).append('\t').append(tests).append('\t').append(seconds(a)).append('\t')
                    .append(seconds(c)).append('\t').append(bad(a)).append('\t').append(bad(c)).append('\t')
                    .append(skipped(a)).append('\t').append(skipped(c)).append('\n');
        }
        return b.toString();
    }

    private static String seconds(ClassResult r) {
        return r == null ? "-" : String.format(Locale.ROOT, "%.1f", r.seconds());
    }

    private static String bad(ClassResult r) {
        return r == null ? "-" : Long.toString(r.tests().stream()
                .filter(t -> t.outcome() == Outcome.FAILED || t.outcome() == Outcome.ERROR).count());
    }

    private static String skipped(ClassResult r) {
        return r == null ? "-" : Long.toString(r.tests().stream().filter(t -> t.outcome() == Outcome.SKIPPED).count());
    }
}

package dev.lifeline.demo;

import dev.lifeline.demo.db.Database;
import dev.lifeline.demo.report.ConsoleTable;
import dev.lifeline.demo.report.HtmlReport;
import dev.lifeline.demo.report.RunRecord;
import dev.lifeline.demo.report.ScenarioInfo;
import dev.lifeline.demo.report.SummaryJson;
import dev.lifeline.demo.run.ChildJvm;
import dev.lifeline.demo.scenario.DemoContext;
import dev.lifeline.demo.scenario.Scenario;
import dev.lifeline.demo.scenario.UnboundedScenario;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The before/after reproduction of the five incidents, and of an existing Spring Boot service under
 * backend kills and a restart: each workload runs in a child JVM without, then with,
 * {@code -javaagent:lifeline-agent.jar}, against a real PostgreSQL (and a real HTTP API) with faults
 * injected by a TCP proxy or the server itself; then a table, an HTML report and summary.json.
 */
public final class Demo {

    private static final long DEFAULT_SEED = 20240611L;

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        String pgUrl = null;
        String only = "all";
        Path outDir = null;
        long seed = DEFAULT_SEED;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if ((arg.equals("--pg-url") || arg.equals("--scenario") || arg.equals("--agent") || arg.equals("--spring-app")
                    || arg.equals("--out")
                    || arg.equals("--seed")) && i + 1 >= args.length) {
                fail(arg + " needs a value");
            }
            switch (arg) {
                case "--quick":
                    quick = true;
                    break;
                case "--pg-url":
                    pgUrl = args[++i];
                    if (!pgUrl.startsWith("jdbc:postgresql://")) {
                        fail("--pg-url must look like jdbc:postgresql://host:port/db?user=..&password=.., got " + pgUrl);
                    }
                    break;
                case "--scenario":
                    only = args[++i];
                    break;
                case "--agent":
                    System.setProperty("lifeline.agent.jar", args[++i]);
                    break;
                case "--spring-app":
                    System.setProperty("lifeline.spring.app.jar", args[++i]);
                    break;
                case "--out":
                    outDir = Paths.get(args[++i]);
                    break;
                case "--seed":
                    seed = Long.parseLong(args[++i]);
                    break;
                case "--help":
                case "-h":
                    usage();
                    return;
                default:
                    fail("unknown option " + arg);
            }
        }
        List<Scenario> scenarios = select(only);
        Path agentJar;
        try {
            agentJar = ChildJvm.agentJar();
        } catch (IllegalStateException e) {
            fail(e.getMessage() + " (or pass --agent PATH)");
            return;
        }
        outDir = (outDir != null ? outDir : defaultOutDir()).toAbsolutePath();
        Path workDir = Files.createDirectories(outDir.resolve("runs"));

        System.out.println("Lifeline demo: " + scenarios.size() + " scenario(s), each run without and then with "
                + "-javaagent:" + agentJar.getFileName() + (quick ? " (quick)" : ""));
        System.out.println("Starting PostgreSQL " + (pgUrl == null
                ? "(embedded, real server binaries, max_connections=" + UnboundedScenario.MAX_CONNECTIONS + ") ..."
                : "at " + hostOf(pgUrl) + " ..."));
        List<RunRecord> runs = new ArrayList<>();
        Map<String, String> environment = new LinkedHashMap<>();
        long started = System.nanoTime();
        try (Database database = pgUrl == null
                ? Database.embedded(Collections.singletonMap("max_connections", String.valueOf(UnboundedScenario.MAX_CONNECTIONS)))
                : Database.external(pgUrl)) {
            environment.put("date", ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME));
            environment.put("platform", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
            environment.put("Java", System.getProperty("java.version"));
            environment.put("PostgreSQL", serverVersion(database) + (pgUrl == null ? " (embedded)" : " (external)"));
            environment.put("mode", quick ? "--quick" : "full");
            environment.put("seed", String.valueOf(seed));
            System.out.println("PostgreSQL " + environment.get("PostgreSQL") + " ready.");
            DemoContext ctx = new DemoContext(database, pgUrl == null, quick, seed, workDir, System.out);
            int n = 0;
            for (Scenario scenario : scenarios) {
                ScenarioInfo info = scenario.info(ctx);
                System.out.println();
                System.out.printf(Locale.ROOT, "[%d/%d] %s %d, %s: %s%n", ++n, scenarios.size(),
                        info.windowsError.isEmpty() ? "scenario" : "incident", info.incident, info.name, info.title);
                System.out.println("  fault: " + info.standIn);
                runs.add(scenario.run(ctx, false));
                runs.add(scenario.run(ctx, true));
            }
        }
        environment.put("duration", String.format(Locale.ROOT, "%.0f s", (System.nanoTime() - started) / 1e9));

        System.out.println();
        System.out.print(ConsoleTable.render(runs));
        System.out.println();
        System.out.println("failed: operations that threw (or HTTP 5xx) in the application; lost: writes the application was told "
                + "succeeded that the database does not hold; duplicated: extra copies of a row. Both checked in PostgreSQL.");
        System.out.println("On Linux the Windows error numbers (10035, 10054) do not exist; the report names what stands in for each.");
        Path summary = outDir.resolve("summary.json");
        Path report = outDir.resolve("report.html");
        SummaryJson.write(summary, runs);
        HtmlReport.write(report, runs, environment);
        System.out.println("summary: " + summary);
        System.out.println("report: " + report);
        System.out.flush();
    }

    private static List<Scenario> select(String only) {
        if (only.equals("all")) {
            return Scenario.all();
        }
        List<Scenario> chosen = new ArrayList<>();
        for (String name : only.split(",")) {
            boolean matched = false;
            for (Scenario s : Scenario.all()) {
                // A number names an incident: 3 runs the KV scenario with every HTTP client.
                if (s.name().equals(name.trim()) || String.valueOf(s.incident()).equals(name.trim())) {
                    chosen.add(s);
                    matched = true;
                }
            }
            if (!matched) {
                fail("unknown scenario '" + name + "' (allowed: " + Scenario.names() + ", their numbers 1-6, or all)");
            }
        }
        return chosen;
    }

    /** Beside the demo jar (demo-app/target/demo-report), else ./demo-report. */
    private static Path defaultOutDir() {
        try {
            File jar = new File(Demo.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (jar.isFile()) {
                return jar.getParentFile().toPath().resolve("demo-report");
            }
        } catch (Exception ignored) {
            // fall through
        }
        return Paths.get("demo-report");
    }

    private static String serverVersion(Database database) {
        try (Connection admin = database.admin(); Statement s = admin.createStatement();
             ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1);
        } catch (Exception e) {
            return "?";
        }
    }

    private static String hostOf(String url) {
        String rest = url.substring("jdbc:postgresql://".length());
        return rest.contains("?") ? rest.substring(0, rest.indexOf('?')) : rest; // never the credentials
    }

    private static void fail(String message) {
        System.err.println("lifeline-demo: " + message);
        usage();
        System.exit(2);
    }

    private static void usage() {
        System.out.println(String.join("\n", Arrays.asList(
                "usage: java -jar demo-app/target/lifeline-demo.jar [options]",
                "",
                "Reproduces the five incidents Lifeline exists for against a real PostgreSQL and a real HTTP API, and runs",
                "an existing Spring Boot service (6) through backend kills and a restart; each workload in a child JVM",
                "without and then with -javaagent, and reports the difference.",
                "",
                "  --quick            smaller workloads: all six scenarios in about 3 minutes",
                "  --scenario NAMES   only these (comma-separated): " + Scenario.names() + " (or 1-6); default all",
                "  --pg-url URL       use your PostgreSQL instead of the embedded one:",
                "                     jdbc:postgresql://host:port/db?user=..&password=.. (tables demo_writes and kv are created)",
                "  --agent PATH       the agent jar (default agent/target/lifeline-agent.jar)",
                "  --spring-app PATH  scenario 6's service (default spring-app/target/lifeline-spring-app.jar)",
                "  --out DIR          where report.html and summary.json go (default: demo-report beside the demo jar)",
                "  --seed N           the seed of every workload's plan of operations (default " + DEFAULT_SEED + ")",
                "  --help             this text")));
    }
}

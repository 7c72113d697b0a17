package dev.lifeline.bench;

import dev.lifeline.demo.run.ChildJvm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * One way of starting the application under measurement: no agent, Lifeline, or the OpenTelemetry
 * Java agent with every exporter off (what a zero-code-change agent costs when it only observes).
 */
final class Setup {

    final String label;
    private final Supplier<ChildJvm> jvm;

    private Setup(String label, Supplier<ChildJvm> jvm) {
        this.label = label;
        this.jvm = jvm;
    }

    static Setup none() {
        return new Setup("no agent", ChildJvm::withoutAgent);
    }

    /** Lifeline with the given agent arguments ("" = defaults). */
    static Setup lifeline(String label, String agentArguments) {
        return lifeline(label, agentArguments, List.of());
    }

    /** Lifeline with the given agent arguments and further JVM options. */
    static Setup lifeline(String label, String agentArguments, List<String> jvmOptions) {
        return lifeline(label, agentArguments, jvmOptions, null);
    }

    /** ... and another build of the agent ({@code null}: the one {@link ChildJvm#agentJar()} finds). */
    static Setup lifeline(String label, String agentArguments, List<String> jvmOptions, Path agentJar) {
        if (agentJar == null) {
            ChildJvm.agentJar(); // fail now, not in the middle of a run
        } else if (!Files.isRegularFile(agentJar)) {
            throw new IllegalArgumentException("--variants: agent jar " + agentJar + " not found");
        }
        return new Setup(label, () -> {
            ChildJvm jvm = agentJar == null ? ChildJvm.withAgent(agentArguments) : ChildJvm.withAgent(agentJar, agentArguments);
            jvmOptions.forEach(jvm::option);
            return jvm;
        });
    }

    /**
     * The setups of {@code --variants}: {@code label=agent arguments|JVM options|agent jar},
     * separated by {@code ;}, e.g.
     * {@code "no replay=jdbc.replayStatements=false;deeper inlining=|-XX:MaxInlineLevel=25;main=||/tmp/main-agent.jar"}.
     * Any part may be empty or left out; JVM options are separated by spaces; the agent jar is
     * another build to compare with this one.
     */
    static List<Setup> variants(String spec) {
        List<Setup> variants = new ArrayList<>();
        for (String variant : spec.split(";")) {
            if (variant.isBlank()) {
                continue;
            }
            int eq = variant.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--variants: '" + variant + "' has no label; expected label=agent arguments|JVM options");
            }
            String rest = variant.substring(eq + 1);
            int bar = rest.indexOf('|');
            String agentArguments = bar < 0 ? rest : rest.substring(0, bar);
            String options = bar < 0 ? "" : rest.substring(bar + 1);
            int secondBar = options.indexOf('|');
            String jar = secondBar < 0 ? "" : options.substring(secondBar + 1).trim();
            options = secondBar < 0 ? options : options.substring(0, secondBar);
            List<String> jvmOptions = new ArrayList<>();
            for (String o : options.trim().split(" +")) {
                if (!o.isEmpty()) {
                    jvmOptions.add(o);
                }
            }
            variants.add(lifeline(variant.substring(0, eq).trim(), agentArguments.trim(), jvmOptions,
                    jar.isEmpty() ? null : Paths.get(jar)));
        }
        return variants;
    }

    static Setup openTelemetry() {
        Path jar = openTelemetryJar();
        return new Setup("OpenTelemetry", () -> ChildJvm.withoutAgent()
                .option("-javaagent:" + jar)
                .option("-Dotel.traces.exporter=none")
                .option("-Dotel.metrics.exporter=none")
                .option("-Dotel.logs.exporter=none")
                .option("-Dotel.javaagent.logging=none"));
    }

    ChildJvm jvm() {
        // Every child gets the same heap and GC so only the agent differs.
        return jvm.get().option("-XX:+UseG1GC");
    }

    static Path openTelemetryJar() {
        String configured = System.getProperty("bench.otel.jar");
        String[] candidates = configured != null ? new String[]{configured}
                : new String[]{"benchmarks/target/otel/opentelemetry-javaagent.jar", "target/otel/opentelemetry-javaagent.jar"};
        for (String candidate : candidates) {
            Path jar = Paths.get(candidate);
            if (Files.isRegularFile(jar)) {
                return jar.toAbsolutePath();
            }
        }
        throw new IllegalStateException("OpenTelemetry agent not found at " + String.join(" or ", candidates)
                + ": build with mvn -DskipTests install from the project root (it copies it there)");
    }
}

package dev.lifeline.demo.run;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts an application in a child JVM, with or without {@code -javaagent:lifeline-agent.jar},
 * on the test's own class path (which never contains the agent's classes), and collects what it
 * printed. The application under test is never changed: only the agent flag and configuration.
 */
public final class ChildJvm {

    private final List<String> jvmOptions = new ArrayList<>();
    private String agentArguments;
    private boolean withAgent;
    private Path otherAgentJar;
    private String javaHome = System.getProperty("java.home");
    private String classPath = System.getProperty("java.class.path");
    private final List<String> environment = new ArrayList<>();

    public static ChildJvm withoutAgent() {
        return new ChildJvm();
    }

    public static ChildJvm withAgent(String agentArguments) {
        ChildJvm jvm = new ChildJvm();
        jvm.withAgent = true;
        jvm.agentArguments = agentArguments;
        return jvm;
    }

    /** With another build of the agent than {@link #agentJar()} finds (to compare two builds side by side). */
    public static ChildJvm withAgent(Path jar, String agentArguments) {
        ChildJvm jvm = withAgent(agentArguments);
        jvm.otherAgentJar = jar.toAbsolutePath();
        return jvm;
    }

    public ChildJvm option(String jvmOption) {
        jvmOptions.add(jvmOption);
        return this;
    }

    public ChildJvm env(String name, String value) {
        environment.add(name + "=" + value);
        return this;
    }

    public ChildJvm javaHome(String home) {
        this.javaHome = home;
        return this;
    }

    /** The child's class path; this JVM's by default. */
    public ChildJvm classPath(String path) {
        this.classPath = path;
        return this;
    }

    public static Path agentJar() {
        String configured = System.getProperty("lifeline.agent.jar");
        String[] candidates = configured != null ? new String[]{configured}
                : new String[]{"agent/target/lifeline-agent.jar", "../agent/target/lifeline-agent.jar"};
        for (String candidate : candidates) {
            Path jar = Paths.get(candidate);
            if (Files.isRegularFile(jar)) {
                return jar.toAbsolutePath();
            }
        }
        throw new IllegalStateException("agent jar not found at " + String.join(" or ", candidates)
                + ": build it first with mvn -DskipTests package from the project root");
    }

    /** The Temurin 25 JDK installed beside the default one (/usr/lib/jvm/temurin-25*), or null. */
    public static Path temurin25Home() throws IOException {
        Path jvms = Paths.get("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return null;
        }
        try (java.util.stream.Stream<Path> homes = Files.list(jvms)) {
            return homes.filter(p -> p.getFileName().toString().startsWith("temurin-25"))
                    .filter(p -> Files.isExecutable(p.resolve("bin/java")))
                    .findFirst().orElse(null);
        }
    }

    /** Runs the child to its end (or kills it after {@code timeoutSeconds}). */
    public Result run(Class<?> mainClass, long timeoutSeconds, String... args) throws IOException, InterruptedException {
        return start(mainClass, args).await(timeoutSeconds);
    }

    /** Starts the child and returns at once, for a test that acts on it while it runs. */
    public Running start(Class<?> mainClass, String... args) throws IOException {
        return launch(Arrays.asList("-cp", classPath, mainClass.getName()), args);
    }

    /**
     * Starts an executable jar ({@code java -jar}), such as a Spring Boot fat jar, and returns at once.
     * The class path option is not used: the jar brings its own.
     */
    public Running startJar(Path jar, String... args) throws IOException {
        return launch(Arrays.asList("-jar", jar.toAbsolutePath().toString()), args);
    }

    private Running launch(List<String> what, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(javaHome, "bin", "java").toString());
        command.add("-Xmx256m");
        if (withAgent) {
            command.add("-javaagent:" + (otherAgentJar != null ? otherAgentJar : agentJar()) + (agentArguments == null || agentArguments.isEmpty() ? "" : "=" + agentArguments));
        }
        command.addAll(jvmOptions);
        command.addAll(what);
        command.addAll(Arrays.asList(args));

        File out = File.createTempFile("child-out", ".txt");
        File err = File.createTempFile("child-err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out).redirectError(err);
        for (String pair : environment) {
            int eq = pair.indexOf('=');
            builder.environment().put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        long started = System.nanoTime();
        return new Running(builder.start(), out, err, started);
    }

    /** A child that was started and may still run. */
    public static final class Running {
        private final Process process;
        private final File out;
        private final File err;
        private final long started;

        Running(Process process, File out, File err, long started) {
            this.process = process;
            this.out = out;
            this.err = err;
            this.started = started;
        }

        /** Waits for the end (killing the child after {@code timeoutSeconds}) and reads what it printed. */
        public Result await(long timeoutSeconds) throws IOException, InterruptedException {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            Result result = new Result(process.exitValue(),
                    Files.readAllLines(out.toPath(), StandardCharsets.UTF_8),
                    Files.readAllLines(err.toPath(), StandardCharsets.UTF_8),
                    (System.nanoTime() - started) / 1_000_000);
            out.delete();
            err.delete();
            return result;
        }

        /** The complete lines the child wrote to standard output so far, for a test that waits for one. */
        public List<String> stdoutSoFar() throws IOException {
            String text = new String(Files.readAllBytes(out.toPath()), StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n'); // a line still being written is not one yet
            return end < 0 ? new ArrayList<>() : new ArrayList<>(Arrays.asList(text.substring(0, end).split("\r?\n", -1)));
        }

        /** Writes one line to the child's standard input, for a child that takes commands there. */
        public void send(String line) throws IOException {
            process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        /**
         * Asks the child to end as a service manager does (SIGTERM, so shutdown hooks run), waits up to
         * {@code timeoutSeconds} (then kills it), and reads what it printed.
         */
        public Result stop(long timeoutSeconds) throws IOException, InterruptedException {
            process.destroy();
            return await(timeoutSeconds);
        }

        /** What the child printed so far, for a failure message. */
        public String peek() throws IOException {
            return "--- stdout\n" + String.join("\n", Files.readAllLines(out.toPath(), StandardCharsets.UTF_8))
                    + "\n--- stderr\n" + String.join("\n", Files.readAllLines(err.toPath(), StandardCharsets.UTF_8));
        }

        /** Kills the child if it still runs, and removes its output files. */
        public void destroy() {
            process.destroyForcibly();
            out.delete();
            err.delete();
        }
    }

    public static final class Result {
        public final int exitCode;
        public final List<String> stdout;
        public final List<String> stderr;
        public final long elapsedMs;

        Result(int exitCode, List<String> stdout, List<String> stderr, long elapsedMs) {
            this.exitCode = exitCode;
            this.elapsedMs = elapsedMs;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        /** The value of {@code key} on the workload's RESULT line. */
        public String result(String key) {
            for (String line : stdout) {
                if (line.startsWith("RESULT ")) {
                    for (String pair : line.substring(7).split(" ")) {
                        if (pair.startsWith(key + "=")) {
                            return pair.substring(key.length() + 1);
                        }
                    }
                }
            }
            throw new AssertionError("no " + key + " on a RESULT line; " + this);
        }

        public int resultInt(String key) {
            return Integer.parseInt(result(key));
        }

        public List<String> lines(String prefix) {
            List<String> matching = new ArrayList<>();
            for (String line : stdout) {
                if (line.startsWith(prefix)) {
                    matching.add(line);
                }
            }
            return matching;
        }

        public List<String> lifelineLines() {
            List<String> matching = new ArrayList<>();
            for (String line : stderr) {
                if (line.contains("[lifeline]")) {
                    matching.add(line);
                }
            }
            return matching;
        }

        @Override
        public String toString() {
            return "exit=" + exitCode + "\n--- stdout\n" + String.join("\n", stdout)
                    + "\n--- stderr (last 40)\n" + String.join("\n", stderr.subList(Math.max(0, stderr.size() - 40), stderr.size()));
        }
    }

    /** The value of {@code key=} in a FAILURE line (values run to the next space). */
    public static String field(String line, String key) {
        int at = line.indexOf(" " + key + "=");
        if (at < 0) {
            throw new AssertionError("no " + key + " in " + line);
        }
        int start = at + key.length() + 2;
        // message runs to the end of the line; notes (free text too) up to the message.
        int end = key.equals("message") ? line.length()
                : key.equals("notes") ? line.indexOf(" message=", start) : line.indexOf(' ', start);
        return line.substring(start, end < 0 ? line.length() : end);
    }
}

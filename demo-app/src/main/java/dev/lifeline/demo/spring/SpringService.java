package dev.lifeline.demo.spring;

import dev.lifeline.demo.run.ChildJvm;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sample Spring Boot service ({@code spring-app}) running as its executable fat jar in a child
 * JVM, started with {@code java -jar} as its owner would start it, configured only by standard
 * Spring properties on its command line.
 */
public final class SpringService implements AutoCloseable {

    private static final Pattern STARTED = Pattern.compile("Tomcat started on port (\\d+)");
    private static final String JAR_PROPERTY = "lifeline.spring.app.jar";

    private final ChildJvm.Running process;
    private final int port;
    private ChildJvm.Result output;

    private SpringService(ChildJvm.Running process, int port) {
        this.process = process;
        this.port = port;
    }

    /** The fat jar: {@code -Dlifeline.spring.app.jar}, else spring-app/target beside the working directory. */
    public static Path jar() {
        String configured = System.getProperty(JAR_PROPERTY);
        String[] candidates = configured != null ? new String[]{configured}
                : new String[]{"spring-app/target/lifeline-spring-app.jar", "../spring-app/target/lifeline-spring-app.jar"};
        for (String candidate : candidates) {
            Path jar = Paths.get(candidate);
            if (Files.isRegularFile(jar)) {
                return jar.toAbsolutePath();
            }
        }
        throw new IllegalStateException("Spring Boot sample jar not found at " + String.join(" or ", candidates)
                + ": build it first with mvn -DskipTests -pl agent,spring-app,demo-app package from the project root");
    }

    /**
     * Starts the service against {@code jdbcUrl} and waits until Tomcat listens.
     *
     * @param jvm without or with the agent; nothing else of the application is changed
     */
    public static SpringService start(ChildJvm jvm, String jdbcUrl, String user, long startTimeoutSeconds)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(Arrays.asList(
                "--server.port=0",
                "--spring.datasource.url=" + jdbcUrl,
                "--spring.datasource.username=" + user,
                // The whole cause chain in the 500 response, so each failed request can be matched to its cause.
                "--spring.web.error.include-stacktrace=always"));
        ChildJvm.Running running = jvm.option("-Xmx384m").startJar(jar(), args.toArray(new String[0]));
        long deadline = System.nanoTime() + startTimeoutSeconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (String line : running.stdoutSoFar()) {
                Matcher started = STARTED.matcher(line);
                if (started.find()) {
                    return new SpringService(running, Integer.parseInt(started.group(1)));
                }
            }
            if (!running.isAlive()) {
                break;
            }
            Thread.sleep(100);
        }
        String printed = running.peek();
        running.destroy();
        throw new IllegalStateException("the Spring Boot service did not start within " + startTimeoutSeconds + " s:\n"
                + tail(printed, 60));
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    public int port() {
        return port;
    }

    /** What the service has logged so far. */
    public List<String> logSoFar() throws IOException {
        return process.stdoutSoFar();
    }

    /** Stops the service (SIGTERM, Boot's graceful shutdown) and returns everything it printed. */
    public ChildJvm.Result stop() throws IOException, InterruptedException {
        if (output == null) {
            output = process.stop(60);
        }
        return output;
    }

    @Override
    public void close() throws Exception {
        stop();
    }

    static String tail(String text, int lines) {
        String[] all = text.split("\\R");
        return String.join("\n", Arrays.asList(all).subList(Math.max(0, all.length - lines), all.length));
    }
}

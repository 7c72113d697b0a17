package dev.lifeline.boot;

import dev.lifeline.config.ConfigException;
import dev.lifeline.config.LifelineConfig;
import dev.lifeline.config.Settings;
import dev.lifeline.log.LifelineLog;

import java.lang.instrument.Instrumentation;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * Entry point of {@code -javaagent:lifeline-agent.jar[=key=value,...]} (and of a dynamic attach).
 *
 * <p>The application always starts: a bad setting is reported on one line and falls back to its
 * default, and a failure of Lifeline's own start-up leaves the JVM without the agent. Only
 * {@code lifeline.strict=true} turns either into a refusal to start.
 */
public final class LifelineAgent {

    private static volatile boolean started;

    private LifelineAgent() {
    }

    public static void premain(String arguments, Instrumentation instrumentation) {
        start(arguments, instrumentation, false);
    }

    public static void agentmain(String arguments, Instrumentation instrumentation) {
        start(arguments, instrumentation, true);
    }

    private static synchronized void start(String arguments, Instrumentation instrumentation, boolean attached) {
        if (started) {
            LifelineLog.warn("agent loaded twice; the second copy does nothing");
            return;
        }
        started = true;
        LifelineConfig config;
        try {
            config = LifelineConfig.load(arguments, systemProperties(), System.getenv(), new WarningsToLog());
        } catch (ConfigException e) {
            // lifeline.strict=true: the one place Lifeline may stop the application from starting.
            throw new IllegalStateException(e.getMessage(), e);
        }
        if (!config.get(Settings.ENABLED)) {
            LifelineLog.info("disabled (lifeline.enabled=false): no class is instrumented");
            return;
        }
        try {
            Installer.install(config, instrumentation, attached);
        } catch (Throwable t) {
            if (config.get(Settings.STRICT)) {
                throw new IllegalStateException("[lifeline] could not start: " + t, t);
            }
            LifelineLog.warn("could not start (" + t + "); the application runs without Lifeline");
        }
    }

    private static Map<String, String> systemProperties() {
        Map<String, String> copy = new HashMap<>();
        Properties properties = System.getProperties();
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith("lifeline.")) {
                copy.put(name, properties.getProperty(name));
            }
        }
        return copy;
    }

    /**
     * The settings' warnings, each a line already prefixed. A class rather than a method reference:
     * the first lambda a JVM links costs milliseconds of start-up (see BENCHMARKS.md's start-up anatomy).
     */
    private static final class WarningsToLog implements Consumer<String> {
        @Override
        public void accept(String line) {
            LifelineLog.line(line);
        }
    }
}

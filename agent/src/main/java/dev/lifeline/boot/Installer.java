package dev.lifeline.boot;

import dev.lifeline.breaker.BreakerConfig;
import dev.lifeline.config.LifelineConfig;
import dev.lifeline.config.Settings;
import dev.lifeline.http.HttpInstrumentation;
import dev.lifeline.jdbc.JdbcRuntime;
import dev.lifeline.metrics.Kind;
import dev.lifeline.metrics.Observability;
import dev.lifeline.weave.LifelineTransformer;
import dev.lifeline.weave.LoadedClasses;

import java.lang.instrument.Instrumentation;

/**
 * Installs the runtimes and the one class-file transformer. Start-up cost is kept low: no
 * bytecode library is initialised (the transformer writes its few fixed hook shapes with the
 * bare ASM reader and writer), no class is loaded to decide anything, and nothing already loaded
 * is re-scanned unless the agent was attached to a running JVM.
 */
final class Installer {

    private Installer() {
    }

    static void install(LifelineConfig config, Instrumentation instrumentation, boolean attached) {
        BreakerConfig breaker = config.get(Settings.BREAKER_ENABLED)
                ? BreakerConfig.of(config.get(Settings.BREAKER_FAILURE_RATIO), config.get(Settings.BREAKER_MINIMUM_CALLS),
                        config.get(Settings.BREAKER_WINDOW), config.get(Settings.BREAKER_OPEN_DURATION),
                        config.get(Settings.BREAKER_HALF_OPEN_PROBES))
                : BreakerConfig.DISABLED;
        Observability observability = Observability.start(config.get(Settings.ADMIN_PORT), breaker,
                config.get(Settings.STRICT));
        JdbcRuntime.install(config, observability.retryListener(Kind.JDBC), observability.jdbcEvents());
        JdbcRuntime.useInstrumentation(instrumentation);
        // The JDK HTTP clients' bridges are defined when the clients' classes are first woven.
        HttpInstrumentation http = HttpInstrumentation.prepare(config, instrumentation,
                observability.retryListener(Kind.HTTP));

        LifelineTransformer transformer = new LifelineTransformer(http, true)
                .readEdgesVia(instrumentation);
        instrumentation.addTransformer(transformer, true);
        // Classes loaded before this point are woven by retransformation: at start-up only a class
        // woven by name that someone loaded before premain; after a late attach, every hook point.
        LoadedClasses.retransform(instrumentation, LoadedClasses.hookPoints(instrumentation, attached));
    }
}

package dev.lifeline.boot;

import dev.lifeline.breaker.BreakerConfig;
import dev.lifeline.config.LifelineConfig;
import dev.lifeline.config.Settings;
import dev.lifeline.http.HttpInstrumentation;
import dev.lifeline.jdbc.JdbcInstrumentation;
import dev.lifeline.jdbc.JdbcRuntime;
import dev.lifeline.log.LifelineLog;
import dev.lifeline.metrics.Kind;
import dev.lifeline.metrics.MetricsInstrumentation;
import dev.lifeline.metrics.Observability;

import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

import java.lang.instrument.Instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.any;
import static net.bytebuddy.matcher.ElementMatchers.isBootstrapClassLoader;
import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;

/**
 * Installs the transformers. Start-up cost is kept low the way the fast agents do it: types are
 * described from class files without loading anything ({@code POOL_ONLY}), the JDK, Lifeline and
 * well-known frameworks that never implement a JDBC type are rejected by name before any
 * hierarchy is looked at, and nothing already loaded is re-scanned unless the agent was attached
 * to a running JVM.
 */
final class Installer {

    private Installer() {
    }

    static void install(LifelineConfig config, Instrumentation instrumentation, boolean attached) {
        // Byte Buddy on Java 25+ must not use sun.misc.Unsafe (it would print deprecation warnings
        // into the application's output). The shade plugin relocates this name to our copy only,
        // so the application's own Byte Buddy, if any, is not affected.
        System.setProperty("net.bytebuddy.safe", "true");

        BreakerConfig breaker = config.get(Settings.BREAKER_ENABLED)
                ? BreakerConfig.of(config.get(Settings.BREAKER_FAILURE_RATIO), config.get(Settings.BREAKER_MINIMUM_CALLS),
                        config.get(Settings.BREAKER_WINDOW), config.get(Settings.BREAKER_OPEN_DURATION),
                        config.get(Settings.BREAKER_HALF_OPEN_PROBES))
                : BreakerConfig.DISABLED;
        Observability observability = Observability.start(config.get(Settings.ADMIN_PORT), breaker,
                config.get(Settings.STRICT));
        JdbcRuntime.install(config, observability.retryListener(Kind.JDBC), observability.jdbcEvents());
        // Before the builder: loads the two JDK HTTP classes (not initialised) and bridges them.
        HttpInstrumentation http = HttpInstrumentation.prepare(config, instrumentation,
                observability.retryListener(Kind.HTTP));
        boolean retransformHttp = !http.targets().isEmpty();

        AgentBuilder builder = new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
                .disableClassFormatChanges()
                .with(AgentBuilder.DescriptionStrategy.Default.POOL_ONLY)
                .with(AgentBuilder.PoolStrategy.Default.FAST)
                .with(AgentBuilder.TypeStrategy.Default.REDEFINE_FROZEN)
                .with(new ErrorListener())
                // The JDK's two HTTP clients are the only JDK classes Lifeline touches.
                .ignore(ignoredByName().and(not(jdkHttpClients())))
                .or(not(jdkHttpClients()), isBootstrapClassLoader());
        if (attached) {
            builder = builder.with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION);
        } else if (retransformHttp) {
            // At start-up only the HTTP classes Lifeline itself just loaded are retransformed.
            builder = builder.with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                    .redefineOnly(http.targets().toArray(new Class<?>[0]));
        } else {
            builder = builder.with(AgentBuilder.RedefinitionStrategy.DISABLED);
        }
        builder = JdbcInstrumentation.apply(builder);
        builder = MetricsInstrumentation.apply(builder);
        builder = http.apply(builder);
        builder.installOn(instrumentation);
    }

    private static ElementMatcher.Junction<TypeDescription> jdkHttpClients() {
        return named(HttpInstrumentation.FACADE).or(named(HttpInstrumentation.URL_CONNECTION));
    }

    private static ElementMatcher.Junction<TypeDescription> ignoredByName() {
        return nameStartsWith("java.")
                .or(nameStartsWith("javax."))
                .or(nameStartsWith("jdk."))
                .or(nameStartsWith("sun."))
                .or(nameStartsWith("com.sun."))
                .or(nameStartsWith("dev.lifeline."))
                .or(nameStartsWith("org.slf4j."))
                .or(nameStartsWith("ch.qos.logback."))
                .or(nameStartsWith("org.apache.logging.log4j."))
                .or(nameStartsWith("org.junit."))
                .or(nameStartsWith("kotlin."))
                .or(nameStartsWith("scala."))
                .or(nameStartsWith("net.bytebuddy."))
                .or(isSynthetic());
    }

    /** Reports a type Lifeline could not instrument, once, and leaves that type as it was. */
    private static final class ErrorListener extends AgentBuilder.Listener.Adapter {
        @Override
        public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded, Throwable throwable) {
            LifelineLog.internalError("instrumenting " + typeName, throwable);
        }
    }
}

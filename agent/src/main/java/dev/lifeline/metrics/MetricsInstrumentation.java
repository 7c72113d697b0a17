package dev.lifeline.metrics;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;

/**
 * Notices the application's own Micrometer registries: advice at the exit of the constructor of
 * its {@code io.micrometer.core.instrument.MeterRegistry} (the abstract base every registry
 * extends, matched by name only: no hierarchy is scanned) hands {@code this} to
 * {@link AppMicrometerBridge#registryCreated(Object)}.
 *
 * <p>The class name is assembled at run time: as a literal, the shade plugin would relocate it to
 * our own copy's name, and we would instrument nothing but ourselves.
 */
public final class MetricsInstrumentation {

    static final String APP_METER_REGISTRY = String.join(".", "io", "micrometer", "core", "instrument", "MeterRegistry");

    private MetricsInstrumentation() {
    }

    /** Chain into the agent builder in the Installer: {@code builder = MetricsInstrumentation.apply(builder);}. */
    public static AgentBuilder apply(AgentBuilder builder) {
        return builder.type(named(APP_METER_REGISTRY))
                .transform(new AgentBuilder.Transformer.ForAdvice()
                        .include(MetricsInstrumentation.class.getClassLoader())
                        .advice(isConstructor(), RegistryConstructedAdvice.class.getName()));
    }

    /** Thin by the house rule: gathers {@code this} and hands it over; a failure here is swallowed. */
    public static final class RegistryConstructedAdvice {

        private RegistryConstructedAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object registry) {
            AppMicrometerBridge.registryCreated(registry);
        }
    }
}

package dev.lifeline.metrics;

import dev.lifeline.log.LifelineLog;

import java.lang.ref.WeakReference;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Puts Lifeline's meters into the application's own Micrometer registries (Spring Boot
 * Actuator's, or any {@code new SimpleMeterRegistry()}), with no code change: advice on the
 * application's {@code io.micrometer.core.instrument.MeterRegistry} constructor
 * (woven by {@code dev.lifeline.weave.LifelineTransformer}) hands every new registry to {@link #registryCreated(Object)}.
 *
 * <p>The application's Micrometer classes are not ours (ours are relocated), so meters are
 * registered reflectively through JDK functional interfaces ({@link MicrometerMeters}).
 * Registration waits {@link #delayMillis} after construction: the constructor of the concrete
 * registry has not finished when {@code MeterRegistry}'s has, and frameworks add their meter
 * filters (common tags, renames) just after creating a registry; Micrometer warns about, and does
 * not apply, filters added after a meter was registered. Composite registries are skipped (their
 * children get the meters directly); registries are held weakly, never kept alive by Lifeline.
 */
public final class AppMicrometerBridge {

    /** After construction, before our meters go in; frameworks configure registries within it. */
    static volatile long delayMillis = 1000;

    private AppMicrometerBridge() {
    }

    /** Called from the advice on every application {@code MeterRegistry} constructed. Never throws. */
    public static void registryCreated(Object registry) {
        try {
            if (registry == null || MicrometerMeters.isComposite(registry)
                    || registry.getClass().getName().startsWith("dev.lifeline.")) {
                return;
            }
            WeakReference<Object> ref = new WeakReference<>(registry);
            Scheduler.EXECUTOR.schedule(() -> bind(ref), delayMillis, TimeUnit.MILLISECONDS);
        } catch (Throwable t) {
            LifelineLog.internalError("noticing an application MeterRegistry", t);
        }
    }

    /** Registers every target's meters, now and later, in the registry {@code ref} still refers to. */
    static void bind(WeakReference<Object> ref) {
        Object registry = ref.get();
        if (registry == null) {
            return;
        }
        try {
            LifelineMetrics metrics = Observability.current().metrics();
            MicrometerMeters meters = MicrometerMeters.forRegistry(registry, ref::get);
            metrics.addSink(new Consumer<TargetHealth>() {
                @Override
                public void accept(TargetHealth health) {
                    if (ref.get() == null) {
                        metrics.removeSink(this); // the application dropped its registry
                    } else {
                        meters.accept(health);
                    }
                }
            });
        } catch (Throwable t) {
            LifelineLog.internalError("registering meters in the application's Micrometer", t);
        }
    }

    /** One daemon thread, created on the first application registry only. */
    private static final class Scheduler {
        static final ScheduledExecutorService EXECUTOR = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "lifeline-micrometer-bridge");
            t.setDaemon(true);
            return t;
        });
    }
}

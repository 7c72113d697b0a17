package dev.lifeline.metrics;

import dev.lifeline.limit.ConnectionCap;

import java.lang.reflect.InvocationTargetException;

import java.lang.reflect.Method;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Registers one target's meters in a Micrometer {@code MeterRegistry}, reflectively, through JDK
 * functional interfaces only: the same code serves our shaded copy (for {@code /metrics}) and the
 * application's own Micrometer, whose classes have the same shape under a different package or
 * class loader. The registry's package is found from its class hierarchy, never written as a
 * literal (the shade plugin would relocate it).
 *
 * <p>Every meter only reads a {@link TargetHealth}; none adds work to the application's calls.
 * <pre>
 * lifeline.calls{kind,target,outcome=success|failure|rejected}   FunctionCounter
 * lifeline.retries{kind,target}                                  FunctionCounter
 * lifeline.recoveries{kind,target}                               FunctionCounter (succeeded after retrying)
 * lifeline.giveups{kind,target,reason}                           FunctionCounter
 * lifeline.evictions{kind,target,reason}                         FunctionCounter
 * lifeline.replays{kind,target}                                  FunctionCounter
 * lifeline.cap.waits{kind,target,outcome=acquired|timed_out}     FunctionCounter
 * lifeline.cap.wait.duration{kind,target}                        FunctionTimer
 * lifeline.connections.open / .waiting / .max{kind,target}       Gauge (when a cap is attached)
 * lifeline.breaker.state{kind,target}                            Gauge: 0 closed, 1 open, 2 half-open
 * </pre>
 */
final class MicrometerMeters implements Consumer<TargetHealth> {

    private final Supplier<Object> registry;
    private final Class<?> registryType;
    private final Method counterBuilder;
    private final Method gaugeBuilder;
    private final Method timerBuilder;

    private MicrometerMeters(Supplier<Object> registry, Class<?> registryType, Method counterBuilder, Method gaugeBuilder,
                             Method timerBuilder) {
        this.registry = registry;
        this.registryType = registryType;
        this.counterBuilder = counterBuilder;
        this.gaugeBuilder = gaugeBuilder;
        this.timerBuilder = timerBuilder;
    }

    /** For any object whose class extends a class named {@code MeterRegistry}; holds it strongly. */
    static MicrometerMeters forRegistry(Object registry) throws ReflectiveOperationException {
        return forRegistry(registry, () -> registry);
    }

    /**
     * {@code registry} read through {@code access} at each binding; when it returns null (an
     * application registry collected), binding does nothing.
     */
    static MicrometerMeters forRegistry(Object registry, Supplier<Object> access) throws ReflectiveOperationException {
        Class<?> type = meterRegistryClass(registry.getClass());
        if (type == null) {
            throw new ClassNotFoundException("not a MeterRegistry: " + registry.getClass().getName());
        }
        String instrument = type.getName().substring(0, type.getName().length() - ".MeterRegistry".length());
        ClassLoader loader = type.getClassLoader();
        Class<?> functionCounter = Class.forName(instrument + ".FunctionCounter", false, loader);
        Class<?> gauge = Class.forName(instrument + ".Gauge", false, loader);
        Class<?> functionTimer = Class.forName(instrument + ".FunctionTimer", false, loader);
        return new MicrometerMeters(access, type,
                functionCounter.getMethod("builder", String.class, Object.class, ToDoubleFunction.class),
                gauge.getMethod("builder", String.class, Object.class, ToDoubleFunction.class),
                functionTimer.getMethod("builder", String.class, Object.class, ToLongFunction.class,
                        ToDoubleFunction.class, TimeUnit.class));
    }

    static Class<?> meterRegistryClass(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getSimpleName().equals("MeterRegistry") && c.getName().endsWith(".core.instrument.MeterRegistry")) {
                return c;
            }
        }
        return null;
    }

    static boolean isComposite(Object registry) {
        for (Class<?> c = registry.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getSimpleName().equals("CompositeMeterRegistry")) {
                return true;
            }
        }
        return false;
    }

    /**
     * What this registry already holds, per target: Micrometer logs a warning into the
     * application's log for every function meter registered twice, so each one goes in once.
     */
    private final Map<TargetHealth, Boolean> bound = Collections.synchronizedMap(new IdentityHashMap<>());

    @Override
    public void accept(TargetHealth t) {
        Object target = registry.get();
        if (target == null) {
            return;
        }
        boolean withCap = t.cap() != null;
        boolean counters;
        boolean capGauges;
        synchronized (bound) {
            Boolean had = bound.get(t); // null: nothing yet; FALSE: without the cap gauges; TRUE: all
            if (had == null) {
                counters = true;
                capGauges = withCap;
            } else if (!had && withCap) {
                counters = false;
                capGauges = true;
            } else {
                return; // everything this target has is registered already
            }
            bound.put(t, withCap);
        }
        try {
            bind(target, t, counters, capGauges);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot register meters in " + target.getClass().getName(), unwrap(e));
        }
    }

    private void bind(Object registry, TargetHealth t, boolean counters, boolean capGauges)
            throws ReflectiveOperationException {
        Registration r = new Registration(registry);
        String kind = t.kind.tag();
        String target = t.target;
        if (capGauges) {
            r.gauge("lifeline.connections.open", "Connections open to the target (held under the cap)",
                    t, h -> h.cap().inUse(), kind, target);
            r.gauge("lifeline.connections.waiting", "Callers waiting for a slot under the connection cap",
                    t, h -> h.cap().waiters(), kind, target);
            r.gauge("lifeline.connections.max", "The connection cap (lifeline.jdbc.maxConnections; -1 while an adaptive cap has seen no refusal)",
                    t, h -> h.cap().max() == ConnectionCap.UNLIMITED ? -1 : h.cap().max(), kind, target);
        }
        if (!counters) {
            return;
        }
        r.counter("lifeline.calls", "Calls to the target, by outcome (rejected: failed fast by the circuit breaker)",
                t, h -> h.succeeded(), kind, target, "outcome", "success");
        r.counter("lifeline.calls", "Calls to the target, by outcome (rejected: failed fast by the circuit breaker)",
                t, h -> h.callsFailed.sum(), kind, target, "outcome", "failure");
        r.counter("lifeline.calls", "Calls to the target, by outcome (rejected: failed fast by the circuit breaker)",
                t, h -> h.callsRejected.sum(), kind, target, "outcome", "rejected");
        r.counter("lifeline.retries", "Retries started (attempts after the first)", t, h -> h.retries.sum(), kind, target);
        r.counter("lifeline.recoveries", "Calls that succeeded after at least one retry", t, h -> h.recoveries.sum(), kind, target);
        for (TargetHealth.GiveUpReason reason : TargetHealth.GiveUpReason.values()) {
            int i = reason.ordinal();
            r.counter("lifeline.giveups", "Calls Lifeline stopped retrying, the failure passed to the application",
                    t, h -> h.giveUps[i].sum(), kind, target, "reason", reason.tag);
        }
        for (TargetHealth.EvictionReason reason : TargetHealth.EvictionReason.values()) {
            int i = reason.ordinal();
            r.counter("lifeline.evictions", "Broken connections taken out of service (replaced: swapped for a fresh one)",
                    t, h -> h.evictions[i].sum(), kind, target, "reason", reason.tag);
        }
        r.counter("lifeline.replays", "Statements re-executed on a fresh connection after a failure proved safe",
                t, h -> h.replays.sum(), kind, target);
        r.counter("lifeline.cap.waits", "Callers that queued for a slot under the connection cap",
                t, h -> h.capWaitsAcquired.sum(), kind, target, "outcome", "acquired");
        r.counter("lifeline.cap.waits", "Callers that queued for a slot under the connection cap",
                t, h -> h.capWaitsTimedOut.sum(), kind, target, "outcome", "timed_out");
        r.timer("lifeline.cap.wait.duration", "Time spent queued under the connection cap",
                t, h -> h.capWaitsAcquired.sum() + h.capWaitsTimedOut.sum(), h -> (double) h.capWaitNanos.sum(), kind, target);
        r.gauge("lifeline.breaker.state", "Circuit breaker state: 0 closed, 1 open, 2 half-open",
                t, h -> h.breaker.state().gaugeValue(), kind, target);
    }

    /** Registrations into one registry. */
    private final class Registration {
        private final Object registry;

        Registration(Object registry) {
            this.registry = registry;
        }

        private void counter(String name, String description, TargetHealth t, ToDoubleFunction<TargetHealth> f,
                             String kind, String target, String... extraTags) throws ReflectiveOperationException {
            Object builder = counterBuilder.invoke(null, name, t, f);
            register(builder, description, tags(kind, target, extraTags));
        }

        private void gauge(String name, String description, TargetHealth t, ToDoubleFunction<TargetHealth> f,
                           String kind, String target) throws ReflectiveOperationException {
            Object builder = gaugeBuilder.invoke(null, name, t, f);
            register(builder, description, tags(kind, target));
        }

        private void timer(String name, String description, TargetHealth t, ToLongFunction<TargetHealth> count,
                           ToDoubleFunction<TargetHealth> totalNanos, String kind, String target)
                throws ReflectiveOperationException {
            Object builder = timerBuilder.invoke(null, name, t, count, totalNanos, TimeUnit.NANOSECONDS);
            register(builder, description, tags(kind, target));
        }

        private void register(Object builder, String description, String[] tags) throws ReflectiveOperationException {
            Class<?> type = builder.getClass();
            builder = type.getMethod("tags", String[].class).invoke(builder, (Object) tags);
            builder = type.getMethod("description", String.class).invoke(builder, description);
            type.getMethod("register", registryType).invoke(builder, registry);
        }
    }

    private static String[] tags(String kind, String target, String... extra) {
        String[] tags = new String[4 + extra.length];
        tags[0] = "kind";
        tags[1] = kind;
        tags[2] = "target";
        tags[3] = target;
        System.arraycopy(extra, 0, tags, 4, extra.length);
        return tags;
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof InvocationTargetException && e.getCause() != null ? e.getCause() : e;
    }
}

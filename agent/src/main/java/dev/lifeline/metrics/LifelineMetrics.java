package dev.lifeline.metrics;

import dev.lifeline.breaker.BreakerConfig;
import dev.lifeline.breaker.CircuitBreaker;
import dev.lifeline.limit.ConnectionCap;
import dev.lifeline.log.LifelineLog;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The targets Lifeline has seen, each with its {@link TargetHealth}, and the meter registries
 * ("sinks") that publish them. A sink added late is given every existing target; a target created
 * late is given to every existing sink; binding twice is harmless (Micrometer returns the meter
 * already registered under the same name and tags).
 *
 * <p>Tags stay low-cardinality: past {@link #MAX_TARGETS} targets per kind, further ones share the
 * target {@code other} (an application calling thousands of hosts must not explode a registry).
 */
public final class LifelineMetrics {

    static final int MAX_TARGETS = 200;
    static final String OVERFLOW_TARGET = "other";

    private final BreakerConfig breakerConfig;
    private final BreakerWatcher breakerWatcher;
    private final List<ConcurrentHashMap<String, TargetHealth>> byKind = new ArrayList<>();
    private final CopyOnWriteArrayList<Consumer<TargetHealth>> sinks = new CopyOnWriteArrayList<>();

    /** Told about every breaker state change, with the target's kind (for the log line). */
    public interface BreakerWatcher {
        void changed(Kind kind, CircuitBreaker breaker, CircuitBreaker.State from, CircuitBreaker.State to);
    }

    public LifelineMetrics(BreakerConfig breakerConfig, BreakerWatcher breakerWatcher) {
        this.breakerConfig = Objects.requireNonNull(breakerConfig, "breakerConfig");
        this.breakerWatcher = breakerWatcher == null ? (kind, b, from, to) -> { } : breakerWatcher;
        for (int i = 0; i < Kind.values().length; i++) {
            byKind.add(new ConcurrentHashMap<>());
        }
    }

    /**
     * The one {@link TargetHealth} of {@code target}, created on first use; with {@code cap}
     * (nullable) attached for the connection gauges. The fast path is a map lookup.
     */
    public TargetHealth target(Kind kind, String target, ConnectionCap cap) {
        ConcurrentHashMap<String, TargetHealth> targets = byKind.get(kind.ordinal());
        TargetHealth health = targets.get(target);
        if (health == null) {
            health = create(kind, targets, target);
        }
        if (cap != null && health.cap() == null) {
            health.attachCap(cap);
        }
        return health;
    }

    private TargetHealth create(Kind kind, ConcurrentHashMap<String, TargetHealth> targets, String rawTarget) {
        String name = TargetNames.sanitize(rawTarget);
        boolean overflow = targets.size() >= MAX_TARGETS && !targets.containsKey(name);
        String key = overflow ? OVERFLOW_TARGET : name;
        boolean[] created = new boolean[1];
        TargetHealth health = targets.computeIfAbsent(key, k -> {
            created[0] = true;
            // A breaker shared by unrelated hosts would open one on another's failures: none for "other".
            BreakerConfig config = overflow ? BreakerConfig.DISABLED : breakerConfig;
            return new TargetHealth(this, kind, k, new CircuitBreaker(k, config,
                    (b, from, to) -> breakerWatcher.changed(kind, b, from, to)));
        });
        if (!key.equals(rawTarget) && !overflow) {
            targets.putIfAbsent(rawTarget, health); // later lookups by the raw name hit the fast path
        }
        if (created[0]) {
            bind(health);
        }
        return health;
    }

    /** Every target once (the raw-name aliases left out). */
    public List<TargetHealth> targets() {
        List<TargetHealth> all = new ArrayList<>();
        for (ConcurrentHashMap<String, TargetHealth> targets : byKind) {
            for (java.util.Map.Entry<String, TargetHealth> e : targets.entrySet()) {
                if (e.getKey().equals(e.getValue().target)) {
                    all.add(e.getValue());
                }
            }
        }
        all.sort((a, b) -> a.kind != b.kind ? a.kind.compareTo(b.kind) : a.target.compareTo(b.target));
        return all;
    }

    /** Publishes every target, now and later, through {@code sink} (which must tolerate repeats). */
    public void addSink(Consumer<TargetHealth> sink) {
        sinks.add(sink); // first add, then walk: a target created meanwhile is seen by one or both
        for (TargetHealth health : targets()) {
            publish(sink, health);
        }
    }

    /** Stops publishing new targets through {@code sink}; meters already registered stay. */
    public void removeSink(Consumer<TargetHealth> sink) {
        sinks.remove(sink);
    }

    void rebind(TargetHealth health) {
        bind(health);
    }

    private void bind(TargetHealth health) {
        for (Consumer<TargetHealth> sink : sinks) {
            publish(sink, health);
        }
    }

    private static void publish(Consumer<TargetHealth> sink, TargetHealth health) {
        try {
            sink.accept(health);
        } catch (RuntimeException | LinkageError e) {
            LifelineLog.internalError("publishing meters", e);
        }
    }
}

package dev.lifeline.breaker;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * One target's circuit breaker (incident 3: while the KV API's database hiccuped, every caller
 * waited for its own timeout; an outage must fail fast instead of piling up threads).
 *
 * <p>CLOSED counts calls and failures in a sliding time window of ten buckets; when at least
 * {@code minimumCalls} calls are in the window and {@code failureRatio} of them failed, it OPENs:
 * {@link #tryAcquirePermission()} refuses every call for {@code openDuration}. Then it is HALF_OPEN:
 * {@code halfOpenProbes} calls go through; if all succeed it CLOSEs with an empty window, if one
 * fails it OPENs again. Probes that never report (a thread killed, a caller that forgot) are
 * presumed lost after another {@code openDuration}, and a new round of probes starts.
 *
 * <p>Fast path: in CLOSED, {@code tryAcquirePermission} is one volatile read, and a reported
 * outcome is one CAS on a packed {@code long} (the bucket's epoch and both counts), no lock, no
 * allocation. Phases are immutable objects replaced by CAS, so a new CLOSED phase starts with a
 * window of its own and a late report from an older phase cannot corrupt it.
 *
 * <p>A caller that has no clock reading at hand (a pool borrow) reports with
 * {@link #onSuccessUntimed()}: a striped counter, no clock read. Those successes take their place
 * in the window at the next {@link #tick(long)} (a statement's or an HTTP call's start passes its
 * clock reading; once per bucket at most) or failure, so they count from a moment no earlier than
 * their own. Nothing is decided on a success, and a success counted late can only keep the
 * breaker closed longer (by one window at most, when no tick came between it and the failure),
 * never open it.
 *
 * <p>Every permitted call must end in {@link #onSuccess()} or {@link #onFailure()}. Only failures
 * that say the target is unavailable (connection refused/reset, timeouts, SQLState class 08,
 * 53300, 57P0x, HTTP 502/503/504/429) are failures here; a failure the target answered with
 * (a syntax error, a unique violation, an HTTP 404) proves it is up: report it as a success.
 */
public final class CircuitBreaker {

    /** The breaker's state; {@link #gaugeValue()} is what {@code lifeline.breaker.state} shows. */
    public enum State {
        CLOSED(0), OPEN(1), HALF_OPEN(2);

        private final int gaugeValue;

        State(int gaugeValue) {
            this.gaugeValue = gaugeValue;
        }

        /** 0 closed, 1 open, 2 half-open. */
        public int gaugeValue() {
            return gaugeValue;
        }

        /** "closed", "open", "half_open": for JSON and log lines. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Told about every state change, on the thread that caused it; must be cheap and must not throw. */
    public interface Listener {
        void onStateChange(CircuitBreaker breaker, State from, State to);

        Listener NONE = (breaker, from, to) -> {
        };
    }

    static final int BUCKETS = 10;
    /** What {@link #tick(long)} answers when disabled: nothing to place, ask again in an hour. */
    private static final long DISABLED_TICK_NANOS = 3_600_000_000_000L;
    private static final int COUNT_BITS = 20;
    private static final long COUNT_MAX = (1L << COUNT_BITS) - 1; // counts saturate, never overflow
    private static final long EPOCH_MASK = (1L << 24) - 1;

    private final String target;
    private final BreakerConfig config;
    private final boolean enabled;
    private final long bucketNanos;
    private final long openNanos;
    private final LongSupplier nanoClock;
    private final LongSupplier wallClockMillis;
    private final Listener listener;
    private final AtomicReference<Phase> phase;
    /** Every {@link #onSuccessUntimed()}; a CLOSED phase counts those after its start. */
    private final StripedCounter untimed = new StripedCounter();

    public CircuitBreaker(String target, BreakerConfig config, Listener listener) {
        this(target, config, listener, System::nanoTime, System::currentTimeMillis);
    }

    /** With clocks of the test's choosing: nanoTime-like and currentTimeMillis-like. */
    public CircuitBreaker(String target, BreakerConfig config, Listener listener, LongSupplier nanoClock,
                          LongSupplier wallClockMillis) {
        this.target = Objects.requireNonNull(target, "target");
        this.config = Objects.requireNonNull(config, "config");
        this.enabled = config.enabled();
        this.bucketNanos = Math.max(1, config.window().toNanos() / BUCKETS);
        this.openNanos = config.openDuration().toNanos();
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.wallClockMillis = Objects.requireNonNull(wallClockMillis, "wallClockMillis");
        this.listener = listener == null ? Listener.NONE : listener;
        this.phase = new AtomicReference<>(closedPhase());
    }

    public String target() {
        return target;
    }

    public BreakerConfig config() {
        return config;
    }

    public State state() {
        return phase.get().state;
    }

    /** Wall-clock time (epoch millis) until which calls fail fast, or -1 unless OPEN. */
    public long openUntilEpochMillis() {
        Phase p = phase.get();
        return p.state == State.OPEN ? p.untilWallMillis : -1;
    }

    /**
     * Whether a call may go to the target now. False means: fail fast with {@link #rejectionMessage()}
     * in the exception type the application expects, and report neither success nor failure.
     */
    public boolean tryAcquirePermission() {
        if (!enabled) {
            return true;
        }
        Phase p = phase.get();
        if (p.state == State.CLOSED) {
            return true;
        }
        long now = nanoClock.getAsLong();
        while (true) {
            if (p.state == State.CLOSED) {
                return true;
            }
            if (p.state == State.OPEN) {
                if (now - p.untilNanos < 0) {
                    return false;
                }
                Phase halfOpen = Phase.halfOpen(now);
                if (transition(p, halfOpen)) {
                    p = halfOpen;
                } else {
                    p = phase.get();
                    continue;
                }
            }
            // HALF_OPEN
            if (p.permitted.incrementAndGet() <= config.halfOpenProbes()) {
                return true;
            }
            if (now - p.sinceNanos < openNanos) {
                return false;
            }
            // The probes let through an open duration ago never reported: presume them lost, probe again.
            Phase again = Phase.halfOpen(now);
            if (!phase.compareAndSet(p, again)) {
                p = phase.get();
                continue;
            }
            p = again;
        }
    }

    /** The permitted call reached the target and it answered (an application-level error included). */
    public void onSuccess() {
        if (!enabled) {
            return;
        }
        Phase p = phase.get();
        if (p.state == State.CLOSED) {
            record(p.window, false, nanoClock.getAsLong());
        } else if (p.state == State.HALF_OPEN) {
            if (p.succeeded.incrementAndGet() >= config.halfOpenProbes()) {
                transition(p, closedPhase());
            }
        }
        // OPEN: a call permitted before the breaker opened; it changes nothing.
    }

    /**
     * {@link #onSuccess()} for a caller without a clock reading: counted at once, placed in the
     * window at the next {@link #tick(long)} or failure.
     */
    public void onSuccessUntimed() {
        untimed.increment();
        if (!enabled) {
            return;
        }
        Phase p = phase.get();
        if (p.state == State.HALF_OPEN) {
            if (p.succeeded.incrementAndGet() >= config.halfOpenProbes()) {
                transition(p, closedPhase());
            }
        }
        // CLOSED: the count is all; OPEN: a call permitted before the breaker opened changes nothing.
    }

    /** How many successes were reported with {@link #onSuccessUntimed()}, ever (also when disabled). */
    public long untimedSuccesses() {
        return untimed.sum();
    }

    /**
     * A caller's fresh clock reading ({@code System.nanoTime()}): once per bucket, the untimed
     * successes counted since the last placement are placed in the window at {@code now}. Costs a
     * volatile read and a comparison otherwise.
     *
     * @return the earliest moment a tick can place anything again: a caller that ticks often may
     *         skip its ticks until then (a phase that begins in between makes it wait one bucket
     *         at most, which only delays successes, as the class comment allows)
     */
    public long tick(long now) {
        if (!enabled) {
            return now + DISABLED_TICK_NANOS;
        }
        Phase p = phase.get();
        if (p.state != State.CLOSED) {
            return now; // a breaker that is not closed is asked on every call
        }
        if (now - p.nextPlacementNanos >= 0) {
            placeUntimed(p, now);
        }
        return p.nextPlacementNanos;
    }

    /** The permitted call failed because the target is unavailable (see the class comment). */
    public void onFailure() {
        if (!enabled) {
            return;
        }
        Phase p = phase.get();
        long now = nanoClock.getAsLong();
        if (p.state == State.CLOSED) {
            placeUntimed(p, now);
            long sums = record(p.window, true, now);
            long calls = sums & COUNT_MAX;
            long failures = sums >>> 32;
            if (calls >= config.minimumCalls() && failures >= config.failureRatio() * calls) {
                transition(p, Phase.open(now + openNanos, wallClockMillis.getAsLong() + config.openDuration().toMillis(),
                        failures + " of " + calls + " calls failed within " + shortDuration(config.window())));
            }
        } else if (p.state == State.HALF_OPEN) {
            transition(p, Phase.open(now + openNanos, wallClockMillis.getAsLong() + config.openDuration().toMillis(),
                    "a half-open probe call failed"));
        }
    }

    /**
     * What the exception thrown to a refused caller says, e.g. {@code lifeline: circuit breaker open
     * for db.example.com:5432/app until 2025-06-01T10:00:30Z (12 of 15 calls failed within 10s);
     * calls fail fast until then (lifeline.breaker.openDuration=30s)}. Names the target only.
     */
    public String rejectionMessage() {
        return rejectionMessage(phase.get());
    }

    private String rejectionMessage(Phase p) {
        if (p.state == State.OPEN) {
            return "lifeline: circuit breaker open for " + target + " until "
                    + Instant.ofEpochMilli(p.untilWallMillis).truncatedTo(ChronoUnit.MILLIS)
                    + " (" + p.reason + "); calls fail fast until then (lifeline.breaker.openDuration="
                    + shortDuration(config.openDuration()) + ")";
        }
        if (p.state == State.HALF_OPEN) {
            return "lifeline: circuit breaker open for " + target + " until its " + config.halfOpenProbes()
                    + " probe call(s) succeed (half-open); other calls fail fast until then";
        }
        return "lifeline: circuit breaker for " + target + " refused the call while it changed state";
    }

    @Override
    public String toString() {
        return "CircuitBreaker{" + target + ", " + state().label() + '}';
    }

    private boolean transition(Phase from, Phase to) {
        if (!phase.compareAndSet(from, to)) {
            return false;
        }
        try {
            listener.onStateChange(this, from.state, to.state);
        } catch (RuntimeException ignored) {
            // A listener must not break the application's call.
        }
        return true;
    }

    /** A new CLOSED phase: an empty window, untimed successes counted from now on. */
    private Phase closedPhase() {
        return Phase.closed(nanoClock.getAsLong(), untimed.sum());
    }

    /** Untimed successes not yet in the window go into the bucket of {@code now}. */
    private void placeUntimed(Phase p, long now) {
        synchronized (p) {
            p.nextPlacementNanos = now + bucketNanos;
            long total = untimed.sum();
            long count = total - p.placedUntimed;
            if (count > 0) {
                p.placedUntimed = total;
                add(p.window, now, count, 0);
            }
        }
    }

    /**
     * Counts one outcome in the current bucket and returns the window's sums: failures in the high
     * 32 bits, calls in the low 32. A success only counts (nothing is decided on it): its sums are
     * not computed and 0 is returned.
     */
    private long record(AtomicLongArray window, boolean failure, long now) {
        long tag = add(window, now, 1, failure ? 1 : 0);
        if (!failure) {
            return 0;
        }
        long totalCalls = 0;
        long totalFailures = 0;
        for (int i = 0; i < BUCKETS; i++) {
            long v = window.get(i);
            long age = (tag - (v >>> (2 * COUNT_BITS))) & EPOCH_MASK;
            if (age < BUCKETS && v != 0) {
                totalCalls += v & COUNT_MAX;
                totalFailures += (v >>> COUNT_BITS) & COUNT_MAX;
            }
        }
        return (totalFailures << 32) | totalCalls;
    }

    /** Adds to the bucket of {@code now} (counts saturate); returns that bucket's epoch tag. */
    private long add(AtomicLongArray window, long now, long calls, long failures) {
        long epoch = Math.floorDiv(now, bucketNanos);
        long tag = epoch & EPOCH_MASK;
        int index = (int) Math.floorMod(epoch, (long) BUCKETS);
        while (true) {
            long v = window.get(index);
            long oldCalls = 0; // a bucket from an older turn of the ring starts over
            long oldFailures = 0;
            if ((v >>> (2 * COUNT_BITS)) == tag) {
                oldCalls = v & COUNT_MAX;
                oldFailures = (v >>> COUNT_BITS) & COUNT_MAX;
            }
            long next = (tag << (2 * COUNT_BITS)) | (Math.min(COUNT_MAX, oldFailures + failures) << COUNT_BITS)
                    | Math.min(COUNT_MAX, oldCalls + calls);
            if (next == v || window.compareAndSet(index, v, next)) {
                return tag;
            }
        }
    }

    static String shortDuration(Duration d) {
        long ms = d.toMillis();
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    /** One immutable phase of the breaker's life; counters belong to the phase they count for. */
    private static final class Phase {
        final State state;
        final AtomicLongArray window;      // CLOSED
        final long untilNanos;             // OPEN
        final long untilWallMillis;        // OPEN
        final String reason;               // OPEN
        final long sinceNanos;             // HALF_OPEN
        final AtomicInteger permitted;     // HALF_OPEN
        final AtomicInteger succeeded;     // HALF_OPEN
        long placedUntimed;                // CLOSED: the breaker's untimed count already in the window (under the phase's lock)
        volatile long nextPlacementNanos;  // CLOSED: the next tick that places them

        private Phase(State state, AtomicLongArray window, long untilNanos, long untilWallMillis, String reason,
                      long sinceNanos, AtomicInteger permitted, AtomicInteger succeeded) {
            this.state = state;
            this.window = window;
            this.untilNanos = untilNanos;
            this.untilWallMillis = untilWallMillis;
            this.reason = reason;
            this.sinceNanos = sinceNanos;
            this.permitted = permitted;
            this.succeeded = succeeded;
        }

        static Phase closed(long now, long untimedSoFar) {
            Phase closed = new Phase(State.CLOSED, new AtomicLongArray(BUCKETS), 0, -1, null, 0, null, null);
            closed.placedUntimed = untimedSoFar;
            closed.nextPlacementNanos = now;
            return closed;
        }

        static Phase open(long untilNanos, long untilWallMillis, String reason) {
            return new Phase(State.OPEN, null, untilNanos, untilWallMillis, reason, 0, null, null);
        }

        static Phase halfOpen(long now) {
            return new Phase(State.HALF_OPEN, null, 0, -1, null, now, new AtomicInteger(), new AtomicInteger());
        }
    }
}

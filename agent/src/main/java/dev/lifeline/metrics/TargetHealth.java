package dev.lifeline.metrics;

import dev.lifeline.breaker.CircuitBreaker;
import dev.lifeline.limit.ConnectionCap;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Everything Lifeline observes about one target ({@code host:port/database} or {@code host:port}):
 * counters, its circuit breaker, its connection cap, its last failure. Created once per target by
 * {@link LifelineMetrics}; the JDBC and HTTP code keep a reference and call it per call.
 *
 * <p>Counting is a {@link LongAdder} increment: no lock, no allocation, no Micrometer. Meters in
 * Micrometer registries (ours for {@code /metrics}, the application's own) only read these.
 *
 * <p>Per call, the instrumented code does:
 * <pre>{@code
 * if (!health.tryAcquirePermission()) throw new SQLTransientConnectionException(health.rejectionMessage(), "08001");
 * try { ...; health.onSuccess(); } catch (SQLException e) { health.onFailure(e, targetUnavailable(e)); throw e; }
 * }</pre>
 */
public final class TargetHealth {

    /** Why Lifeline stopped retrying, as the {@code reason} tag of {@code lifeline.giveups}. */
    enum GiveUpReason {
        NOT_RETRYABLE("not_retryable"), ATTEMPTS("attempts_exhausted"), DEADLINE("deadline"),
        BUDGET("budget_exhausted"), INTERRUPTED("interrupted");

        final String tag;

        GiveUpReason(String tag) {
            this.tag = tag;
        }
    }

    /** Why a connection left service, as the {@code reason} tag of {@code lifeline.evictions}. */
    enum EvictionReason {
        REPLACED("replaced"), OUTCOME_UNKNOWN("outcome_unknown"), TRANSACTION_LOST("transaction_lost");

        final String tag;

        EvictionReason(String tag) {
            this.tag = tag;
        }
    }

    /** An uncontended semaphore acquire takes nanoseconds; anything longer parked the caller. */
    static final long WAIT_THRESHOLD_NANOS = 50_000;

    final Kind kind;
    final String target;
    final CircuitBreaker breaker;
    private final LifelineMetrics owner;
    private final AtomicReference<ConnectionCap> cap = new AtomicReference<>();

    final LongAdder callsSucceeded = new LongAdder();
    final LongAdder callsFailed = new LongAdder();
    final LongAdder callsRejected = new LongAdder();
    final LongAdder retries = new LongAdder();
    final LongAdder recoveries = new LongAdder();
    final LongAdder replays = new LongAdder();
    final LongAdder[] giveUps = adders(GiveUpReason.values().length);
    final LongAdder[] evictions = adders(EvictionReason.values().length);
    final LongAdder capWaitsAcquired = new LongAdder();
    final LongAdder capWaitsTimedOut = new LongAdder();
    final LongAdder capWaitNanos = new LongAdder();

    private volatile LastFailure lastFailure;

    TargetHealth(LifelineMetrics owner, Kind kind, String target, CircuitBreaker breaker) {
        this.owner = owner;
        this.kind = kind;
        this.target = target;
        this.breaker = breaker;
    }

    public Kind kind() {
        return kind;
    }

    public String target() {
        return target;
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    public ConnectionCap cap() {
        return cap.get();
    }

    // ---------------------------------------------------------------- per call (hot path)

    /** False: fail fast now with {@link #rejectionMessage()}; counted as {@code outcome=rejected}. */
    public boolean tryAcquirePermission() {
        if (breaker.tryAcquirePermission()) {
            return true;
        }
        callsRejected.increment();
        return false;
    }

    /** For the exception of a refused call: "lifeline: circuit breaker open for T until ...". */
    public String rejectionMessage() {
        return breaker.rejectionMessage();
    }

    /** The call succeeded (after retries or not). */
    public void onSuccess() {
        callsSucceeded.increment();
        breaker.onSuccess();
    }

    /**
     * {@link #onSuccess()} without a clock read (every pool borrow, every HTTP call): the breaker
     * places it in its window at the next {@link CircuitBreaker#tick(long)} (a statement's start on
     * a connection of this target, the next HTTP call's start) or failure.
     */
    public void onSuccessUntimed() {
        breaker.onSuccessUntimed(); // its striped counter is also this target's count of them: one CAS, not two
    }

    /** Calls that succeeded, counted by either method. */
    long succeeded() {
        return callsSucceeded.sum() + breaker.untimedSuccesses();
    }

    /**
     * The call ended with {@code failure} thrown to the application.
     *
     * @param targetUnavailable the failure says the target cannot be reached or refuses clients
     *                          (retryable connection failures); false for errors the target
     *                          answered with, which count as a success for the breaker
     */
    public void onFailure(Throwable failure, boolean targetUnavailable) {
        callsFailed.increment();
        if (targetUnavailable) {
            recordFailure(failure);
            breaker.onFailure();
        } else {
            breaker.onSuccess();
        }
    }

    /**
     * A caller waited {@code waitNanos} for a slot under the connection cap; {@code acquired} false
     * when the wait timed out. Waits too short to have parked are not counted.
     */
    public void capWaited(long waitNanos, boolean acquired) {
        if (waitNanos < WAIT_THRESHOLD_NANOS && acquired) {
            return;
        }
        (acquired ? capWaitsAcquired : capWaitsTimedOut).increment();
        capWaitNanos.add(Math.max(0, waitNanos));
    }

    /** The connection cap whose open connections and waiters the gauges and /health show. */
    public void attachCap(ConnectionCap connectionCap) {
        if (connectionCap != null && cap.compareAndSet(null, connectionCap)) {
            owner.rebind(this);
        }
    }

    // ---------------------------------------------------------------- events

    void recordFailure(Throwable failure) {
        lastFailure = new LastFailure(System.currentTimeMillis(), failure == null ? null : failure.getClass().getName(),
                FailureDescription.sqlState(failure), FailureDescription.httpStatus(failure));
    }

    /** An HTTP response status the call failed on (502, 503, ...), without an exception. */
    public void recordHttpStatus(int status) {
        lastFailure = new LastFailure(System.currentTimeMillis(), null, null, status);
    }

    LastFailure lastFailure() {
        return lastFailure;
    }

    long giveUpsTotal() {
        long sum = 0;
        for (LongAdder adder : giveUps) {
            sum += adder.sum();
        }
        return sum;
    }

    long evictionsTotal() {
        long sum = 0;
        for (LongAdder adder : evictions) {
            sum += adder.sum();
        }
        return sum;
    }

    @Override
    public String toString() {
        return "TargetHealth{" + kind.tag() + ' ' + target + '}';
    }

    private static LongAdder[] adders(int n) {
        LongAdder[] adders = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            adders[i] = new LongAdder();
        }
        return adders;
    }

    /** The last failure that said the target was unavailable: when, and its codes (never a message). */
    static final class LastFailure {
        final long epochMillis;
        final String type;
        final String sqlState;
        final int httpStatus;

        LastFailure(long epochMillis, String type, String sqlState, int httpStatus) {
            this.epochMillis = epochMillis;
            this.type = type;
            this.sqlState = sqlState;
            this.httpStatus = httpStatus;
        }
    }
}

package dev.lifeline.retry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * The one retry loop shared by JDBC and HTTP: every decision (retry, wait, give up) is made here
 * and reported to the {@link RetryListener}.
 *
 * <p>Stops at the first of: success, a failure the classifier calls not retryable, the policy's
 * attempt limit, the deadline (a wait that would end past it is not started), a denied retry
 * budget, or an interrupt during the wait. The fast path (first attempt succeeds) allocates
 * nothing and takes no lock; waiting parks the calling thread only.
 *
 * <p><b>The target is back:</b> a backoff wait ends early when another call to the same target
 * succeeds meanwhile, after a short random spread (at most {@link #WAKE_SPREAD_NANOS}) so that the
 * woken callers do not all arrive at once. Without it, a retry asleep in a long exponential wait
 * sleeps on after the outage, while other callers already succeed (BENCHMARKS.md, recovery).
 */
public final class Retrier {

    private final RetryPolicy policy;
    private final RetryListener listener;
    private final LongSupplier nanoClock;
    private final Sleeper sleeper;
    private final DoubleSupplier random;
    /** Threads in a backoff wait, over all targets: the success path reads only this when it is 0. */
    private final AtomicInteger sleeping = new AtomicInteger();
    private final ConcurrentHashMap<String, Waiters> waiters = new ConcurrentHashMap<>();

    /** Earlier attempts' exceptions kept as suppressed exceptions of the one thrown: a long outage tries often. */
    static final int KEPT_FAILURES = 8;

    /** The longest extra wait of a caller woken because its target answered someone else. */
    static final long WAKE_SPREAD_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** Callers waiting to retry one target, and how many successes that target has had meanwhile. */
    private static final class Waiters {
        final AtomicLong successes = new AtomicLong();
        final Set<Thread> parked = ConcurrentHashMap.newKeySet();
        /** The one caller that retries at the probe interval while the others sleep out their backoff. */
        final AtomicReference<Thread> prober = new AtomicReference<>();
    }

    /** 0, or how soon one caller per target tries again, whatever its backoff (see {@link #probing}). */
    private final long probeIntervalNanos;

    public Retrier(RetryPolicy policy, RetryListener listener) {
        this(policy, listener, 0);
    }

    /**
     * With a probe interval, one caller per target retries that often while every other caller
     * backs off exponentially: the first success after an outage comes within about one interval
     * of the target being back (and wakes the others), without every caller hammering a target
     * that is down. For connection acquisition, where a connect to a stopped server costs little.
     */
    public static Retrier probing(RetryPolicy policy, RetryListener listener, long probeIntervalNanos) {
        return new Retrier(policy, listener, probeIntervalNanos);
    }

    private Retrier(RetryPolicy policy, RetryListener listener, long probeIntervalNanos) {
        this(policy, listener, SystemTime.INSTANCE, Sleeper.PARKING, SystemTime.INSTANCE, probeIntervalNanos);
    }

    Retrier(RetryPolicy policy, RetryListener listener, LongSupplier nanoClock, Sleeper sleeper,
            DoubleSupplier random) {
        this(policy, listener, nanoClock, sleeper, random, 0);
    }

    Retrier(RetryPolicy policy, RetryListener listener, LongSupplier nanoClock, Sleeper sleeper,
            DoubleSupplier random, long probeIntervalNanos) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.listener = listener == null ? RetryListener.NONE : listener;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.random = Objects.requireNonNull(random, "random");
        this.probeIntervalNanos = Math.max(0, probeIntervalNanos);
    }

    public RetryPolicy policy() {
        return policy;
    }

    /**
     * Runs {@code attempt} until it succeeds or Lifeline gives up; then throws the last attempt's
     * exception object, decorated by {@link GiveUp#decorate}. Errors are never caught.
     *
     * @param target shown in messages and events: host:port/db, never credentials
     * @param budget the target's retry budget, or {@code null} for none
     */
    public <T> T call(String target, RetryBudget budget, FailureClassifier classifier, Attempt<T> attempt)
            throws Exception {
        long start = nanoClock.getAsLong();
        if (budget != null) {
            budget.callStarted();
        }
        try {
            return loop(target, budget, classifier, attempt, start, null, 0);
        } finally {
            if (budget != null) {
                budget.callFinished();
            }
        }
    }

    /**
     * Like {@link #call}, when the first attempt already ran (and failed) outside the loop: callers
     * whose no-failure path must not pay for the loop (a JDBC statement) try once themselves and
     * come here only on failure. {@code attempt} is then run from attempt number 2.
     */
    public <T> T callAfterFirstFailure(String target, RetryBudget budget, FailureClassifier classifier,
                                       Exception firstFailure, Attempt<T> attempt) throws Exception {
        return callAfterFirstFailure(target, budget, classifier, firstFailure, 0, attempt);
    }

    /**
     * As {@link #callAfterFirstFailure(String, RetryBudget, FailureClassifier, Exception, Attempt)},
     * with the first {@code immediateRetries} retries started without a backoff wait: a statement
     * whose session died runs again at once on a fresh connection (the reconnect under it waits
     * as any acquisition does).
     */
    public <T> T callAfterFirstFailure(String target, RetryBudget budget, FailureClassifier classifier,
                                       Exception firstFailure, int immediateRetries, Attempt<T> attempt) throws Exception {
        long start = nanoClock.getAsLong();
        if (budget != null) {
            budget.callStarted();
        }
        try {
            return loop(target, budget, classifier, attempt, start, firstFailure, immediateRetries);
        } finally {
            if (budget != null) {
                budget.callFinished();
            }
        }
    }

    /**
     * Like {@link #callAfterFirstFailure}, for a caller that ran its first attempt itself within a
     * call it already counted in {@code budget} ({@link RetryBudget#callStarted()}, and ends it
     * too), and that started at {@code startNanos} on this retrier's clock ({@code System.nanoTime()}
     * for the public constructors): the deadline counts from the call's start, not from the failure.
     */
    public <T> T continueAfterFirstFailure(String target, RetryBudget budget, FailureClassifier classifier,
                                           Exception firstFailure, long startNanos, Attempt<T> attempt)
            throws Exception {
        return loop(target, budget, classifier, attempt, startNanos, Objects.requireNonNull(firstFailure, "firstFailure"), 0);
    }

    private <T> T loop(String target, RetryBudget budget, FailureClassifier classifier, Attempt<T> attempt,
                       long start, Exception firstFailure, int immediateRetries) throws Exception {
        List<Throwable> earlier = null;
        for (int n = 1; ; n++) {
            T result = null;
            Exception failure = null;
            try {
                if (n == 1 && firstFailure != null) {
                    failure = firstFailure;
                } else {
                    result = attempt.run(n);
                }
            } catch (Exception e) {
                failure = e;
            } finally {
                if (n > 1 && budget != null) {
                    budget.retryFinished(); // the slot taken before the wait for attempt n
                }
            }
            if (failure == null) {
                targetAnswered(target);
                if (n > 1) {
                    notifySuccess(target, n, nanoClock.getAsLong() - start);
                }
                return result;
            }

            String reason;
            if (!retryable(classifier, failure)) {
                reason = GiveUp.NOT_RETRYABLE;
            } else if (n >= policy.maxAttempts()) {
                reason = GiveUp.attemptsExhausted(n, policy.maxAttempts());
            } else {
                long wait = n <= immediateRetries ? 0 : policy.backoffNanos(n - immediateRetries, random.getAsDouble());
                long elapsed = nanoClock.getAsLong() - start;
                long remaining = policy.deadlineNanos() - elapsed;
                if (probeIntervalNanos > 0 && wait > remaining && remaining > 0) {
                    wait = remaining; // acquisition rides out the whole window: one last try at its end
                }
                if (wait > remaining) {
                    reason = GiveUp.deadlineReached(policy.deadline());
                } else if (budget != null && !budget.tryStartRetry()) {
                    reason = GiveUp.BUDGET_EXHAUSTED;
                } else {
                    notifyRetry(target, n + 1, wait, failure);
                    try {
                        backOff(target, wait);
                        if (earlier == null) {
                            earlier = new ArrayList<>(Math.min(policy.maxAttempts() - 1, KEPT_FAILURES)); // maxAttempts may be huge
                        }
                        if (earlier.size() == KEPT_FAILURES) {
                            earlier.remove(KEPT_FAILURES / 2); // keep the first few and the latest few, not hundreds
                        }
                        earlier.add(failure);
                        continue;
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt(); // the application's to handle, not ours
                        if (budget != null) {
                            budget.retryFinished();
                        }
                        reason = GiveUp.INTERRUPTED;
                    }
                }
            }
            long elapsed = nanoClock.getAsLong() - start;
            notifyGiveUp(target, n, elapsed, failure, reason);
            throw GiveUp.decorate(failure, earlier == null ? Collections.emptyList() : earlier,
                    target, n, elapsed, reason);
        }
    }

    /** Sleeps {@code wait}, or less if another call to {@code target} succeeds meanwhile. */
    private void backOff(String target, long wait) throws InterruptedException {
        Waiters w = waiters.computeIfAbsent(target, t -> new Waiters());
        long seen = w.successes.get();
        Thread self = Thread.currentThread();
        boolean probe = probeIntervalNanos > 0 && wait > probeIntervalNanos && w.prober.compareAndSet(null, self);
        long sleep = probe ? probeIntervalNanos : wait;
        w.parked.add(self);
        sleeping.incrementAndGet();
        long left;
        try {
            left = sleeper.sleepNanos(sleep, () -> w.successes.get() != seen);
        } finally {
            sleeping.decrementAndGet();
            w.parked.remove(self);
            if (probe) {
                w.prober.compareAndSet(self, null);
            }
        }
        if (left > 0) {
            long spread = (long) (random.getAsDouble() * Math.min(left, WAKE_SPREAD_NANOS));
            if (spread > 0) {
                sleeper.sleepNanos(spread);
            }
        }
    }

    /**
     * {@code target} just answered a call (here, or one made outside the loop: a pool's own
     * connect below the application's retry). Callers waiting to retry it stop waiting.
     * One volatile read when nobody waits.
     */
    public void targetAnswered(String target) {
        if (sleeping.get() > 0) {
            wakeWaiters(target);
        }
    }

    private void wakeWaiters(String target) {
        Waiters w = waiters.get(target);
        if (w != null && !w.parked.isEmpty()) {
            w.successes.incrementAndGet();
            for (Thread t : w.parked) {
                LockSupport.unpark(t);
            }
        }
    }

    // Fail-open: a broken classifier or listener must not change what the application sees.

    private static boolean retryable(FailureClassifier classifier, Exception failure) {
        try {
            return classifier.isRetryable(failure);
        } catch (RuntimeException classifierBug) {
            return false;
        }
    }

    private void notifyRetry(String target, int attempt, long wait, Throwable cause) {
        try {
            listener.onRetry(target, attempt, wait, cause);
        } catch (RuntimeException ignored) {
            // see class comment of RetryListener
        }
    }

    private void notifyGiveUp(String target, int attempts, long elapsed, Throwable last, String reason) {
        try {
            listener.onGiveUp(target, attempts, elapsed, last, reason);
        } catch (RuntimeException ignored) {
            // see class comment of RetryListener
        }
    }

    private void notifySuccess(String target, int attempts, long elapsed) {
        try {
            listener.onSuccessAfterRetry(target, attempts, elapsed);
        } catch (RuntimeException ignored) {
            // see class comment of RetryListener
        }
    }

    /**
     * The real clock and jitter. A class, not lambdas: no lambda is linked at premain, where the
     * first one a JVM links costs milliseconds.
     */
    private static final class SystemTime implements LongSupplier, DoubleSupplier {
        static final SystemTime INSTANCE = new SystemTime();

        @Override
        public long getAsLong() {
            return System.nanoTime();
        }

        @Override
        public double getAsDouble() {
            return ThreadLocalRandom.current().nextDouble();
        }
    }
}

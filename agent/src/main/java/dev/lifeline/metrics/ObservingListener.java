package dev.lifeline.metrics;

import dev.lifeline.jdbc.JdbcEvents;
import dev.lifeline.log.LifelineLog;
import dev.lifeline.retry.GiveUp;
import dev.lifeline.retry.RetryListener;

/**
 * Turns the retry loop's and the JDBC code's events into counts on {@link TargetHealth} and lines
 * in {@link EventLog}. One instance per {@link Kind}. Never throws: the application's call comes
 * first (fail-open, reported once).
 */
final class ObservingListener implements RetryListener, JdbcEvents {

    private final Kind kind;
    private final LifelineMetrics metrics;

    ObservingListener(Kind kind, LifelineMetrics metrics) {
        this.kind = kind;
        this.metrics = metrics;
    }

    @Override
    public void onRetry(String target, int attempt, long waitNanos, Throwable cause) {
        try {
            TargetHealth health = metrics.target(kind, target, null);
            health.retries.increment();
            health.recordFailure(cause);
            EventLog.retry(kind, health.target, attempt, waitNanos, cause);
        } catch (RuntimeException | LinkageError e) {
            LifelineLog.internalError("counting a retry", e);
        }
    }

    @Override
    public void onGiveUp(String target, int attempts, long elapsedNanos, Throwable last, String reason) {
        try {
            if (attempts <= 1 && GiveUp.NOT_RETRYABLE.equals(reason)) {
                // Lifeline never retried: an application error (syntax, constraint, auth) passes through
                // as without the agent; it is the application's to log, not a give-up.
                return;
            }
            TargetHealth health = metrics.target(kind, target, null);
            health.giveUps[reason(reason).ordinal()].increment();
            health.recordFailure(last);
            EventLog.giveUp(kind, health.target, attempts, elapsedNanos, last, reason);
        } catch (RuntimeException | LinkageError e) {
            LifelineLog.internalError("counting a give-up", e);
        }
    }

    @Override
    public void onSuccessAfterRetry(String target, int attempts, long elapsedNanos) {
        try {
            metrics.target(kind, target, null).recoveries.increment();
        } catch (RuntimeException | LinkageError e) {
            LifelineLog.internalError("counting a recovery", e);
        }
    }

    @Override
    public void connectionReplaced(String target) {
        evicted(target, TargetHealth.EvictionReason.REPLACED);
    }

    @Override
    public void outcomeUnknown(String target) {
        evicted(target, TargetHealth.EvictionReason.OUTCOME_UNKNOWN);
    }

    @Override
    public void transactionLost(String target) {
        evicted(target, TargetHealth.EvictionReason.TRANSACTION_LOST);
    }

    @Override
    public void statementReplayed(String target, String reason) {
        try {
            metrics.target(kind, target, null).replays.increment(); // the reason text is not a tag: it may carry a SQLState
        } catch (RuntimeException | LinkageError e) {
            LifelineLog.internalError("counting a replay", e);
        }
    }

    private void evicted(String target, TargetHealth.EvictionReason reason) {
        try {
            metrics.target(kind, target, null).evictions[reason.ordinal()].increment();
        } catch (RuntimeException | LinkageError e) {
            LifelineLog.internalError("counting an eviction", e);
        }
    }

    static TargetHealth.GiveUpReason reason(String reason) {
        if (reason == null) {
            return TargetHealth.GiveUpReason.NOT_RETRYABLE;
        }
        if (reason.equals(GiveUp.BUDGET_EXHAUSTED)) {
            return TargetHealth.GiveUpReason.BUDGET;
        }
        if (reason.equals(GiveUp.INTERRUPTED)) {
            return TargetHealth.GiveUpReason.INTERRUPTED;
        }
        if (reason.startsWith("attempts exhausted")) {
            return TargetHealth.GiveUpReason.ATTEMPTS;
        }
        if (reason.startsWith("retry deadline")) {
            return TargetHealth.GiveUpReason.DEADLINE;
        }
        return TargetHealth.GiveUpReason.NOT_RETRYABLE;
    }
}

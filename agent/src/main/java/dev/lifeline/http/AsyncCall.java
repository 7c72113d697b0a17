package dev.lifeline.http;

import dev.lifeline.log.LifelineLog;
import dev.lifeline.retry.GiveUp;
import dev.lifeline.retry.RetryBudget;

import java.net.ConnectException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * One asynchronous call ({@code HttpClient.sendAsync}, OkHttp's {@code enqueue}, HttpClient 5's
 * async {@code execute}), retried by composing on futures: no thread waits for a slot under a
 * cap, for a backoff or for a {@code Retry-After}. The next attempt is a task on Lifeline's single
 * scheduler thread, which only starts the client's own asynchronous send again.
 *
 * <p>The decisions are the shared {@link dev.lifeline.retry.Retrier}'s — same policy, attempt
 * limit, deadline, per-target {@link RetryBudget}, listener events and {@link GiveUp} shape — made
 * here step by step because the Retrier waits by parking its caller, which an async call must not.
 * Attempts run one after another, so the mutable fields need no lock: each completion
 * happens-before the next attempt is scheduled.
 */
final class AsyncCall<R> implements BiConsumer<R, Throwable> {

    private final HttpRuntime runtime;
    private final HttpTarget target;
    private final RetryRules.Scope scope;
    private final LibraryCall.AsyncExchange<R> exchange;
    private final CompletableFuture<R> result = new CompletableFuture<>();
    private final long start = System.nanoTime();

    private int attempt;
    private boolean holdsRetrySlot;
    private List<Throwable> earlier;
    private volatile CompletableFuture<R> inFlight;

    AsyncCall(HttpRuntime runtime, HttpTarget target, RetryRules.Scope scope, LibraryCall.AsyncExchange<R> exchange) {
        this.runtime = runtime;
        this.target = target;
        this.scope = scope;
        this.exchange = exchange;
    }

    CompletableFuture<R> start() {
        // As for a blocking call: an open breaker fails the call at once, as a refused host would.
        try {
            target.checkBreaker(start);
        } catch (ConnectException refused) {
            result.completeExceptionally(refused);
            return result;
        }
        target.budget.callStarted();
        result.whenComplete((response, failure) -> {
            target.budget.callFinished();
            reportOutcome(response, failure);
            CompletableFuture<R> current = inFlight;
            if (failure instanceof CancellationException && current != null) {
                current.cancel(true); // the application gave up: so does the attempt on the wire
            }
        });
        launch();
        return result;
    }

    private void launch() {
        attempt++;
        CompletableFuture<HttpTarget> slots = target.acquireAsync(runtime.acquireTimeoutNanos, HttpRuntime.scheduler());
        if (slots.isDone() && !slots.isCompletedExceptionally()) {
            send(); // the fast path: a slot at once, the attempt starts on the caller's thread
            return;
        }
        slots.whenComplete((held, failure) -> {
            if (failure != null) {
                finishRetrySlot();
                Throwable cause = unwrap(failure);
                giveUpWith(failure, cause, GiveUp.NOT_RETRYABLE);
            } else {
                send();
            }
        });
    }

    private void send() {
        if (result.isDone()) { // cancelled while waiting
            target.release();
            finishRetrySlot();
            return;
        }
        HttpThreadState state = HttpThreadState.current();
        CompletableFuture<R> attemptFuture;
        state.depth++;
        try {
            attemptFuture = exchange.send();
        } catch (RuntimeException | Error e) {
            attemptFuture = new CompletableFuture<>();
            attemptFuture.completeExceptionally(e);
        } finally {
            state.depth--;
        }
        inFlight = attemptFuture;
        attemptFuture.whenComplete(this);
    }

    /** An attempt ended: keep its result, or schedule the next one. */
    @Override
    public void accept(R response, Throwable failure) {
        target.release();
        finishRetrySlot();
        if (result.isDone()) {
            if (response != null) {
                exchange.discard(response);
            }
            return;
        }
        try {
            decide(response, failure);
        } catch (RuntimeException | Error internal) {
            // Fail-open: whatever the attempt produced goes to the application.
            LifelineLog.internalError("asynchronous HTTP retry decision", internal);
            if (failure != null) {
                result.completeExceptionally(failure);
            } else {
                result.complete(response);
            }
        }
    }

    private void decide(R response, Throwable failure) {
        long waitAtLeast = 0;
        Throwable cause = null;
        if (failure == null) {
            int status = exchange.status(response);
            if (!runtime.rules.retriesStatus(scope, status)) {
                if (attempt > 1) {
                    runtime.listener.onSuccessAfterRetry(target.name, attempt, System.nanoTime() - start);
                }
                result.complete(response);
                return;
            }
            long retryAfter = RetryAfter.parseNanos(exchange.header(response, "Retry-After"), System.currentTimeMillis());
            if (retryAfter != RetryAfter.ABSENT) {
                if (retryAfter > runtime.deadlineNanos - (System.nanoTime() - start)) {
                    giveUpWith(response, GiveUp.deadlineReached(runtime.policy.deadline()) + " (Retry-After)");
                    return;
                }
                waitAtLeast = retryAfter;
            }
        } else {
            cause = unwrap(failure);
            if (!RetryRules.retriesFailure(scope, cause)) {
                giveUpWith(failure, cause, GiveUp.NOT_RETRYABLE);
                return;
            }
        }

        String reason = null;
        long wait = 0;
        if (attempt >= runtime.policy.maxAttempts()) {
            reason = GiveUp.attemptsExhausted(attempt, runtime.policy.maxAttempts());
        } else {
            wait = Math.max(waitAtLeast, runtime.policy.backoffNanos(attempt, ThreadLocalRandom.current().nextDouble()));
            if (wait > runtime.deadlineNanos - (System.nanoTime() - start)) {
                reason = GiveUp.deadlineReached(runtime.policy.deadline());
            } else if (!target.budget.tryStartRetry()) {
                reason = GiveUp.BUDGET_EXHAUSTED;
            }
        }
        if (reason != null) {
            if (failure == null) {
                giveUpWith(response, reason);
            } else {
                giveUpWith(failure, cause, reason);
            }
            return;
        }

        holdsRetrySlot = true;
        runtime.listener.onRetry(target.name, attempt + 1, wait, failure == null ? null : cause);
        if (failure == null) {
            exchange.discard(response);
        } else {
            if (earlier == null) {
                earlier = new ArrayList<>(4);
            }
            earlier.add(cause);
        }
        HttpRuntime.scheduler().schedule(this::launchSafely, wait, TimeUnit.NANOSECONDS);
    }

    private void launchSafely() {
        try {
            launch();
        } catch (RuntimeException | Error e) {
            finishRetrySlot();
            LifelineLog.internalError("asynchronous HTTP retry", e);
            result.completeExceptionally(e);
        }
    }

    private void finishRetrySlot() {
        if (holdsRetrySlot) {
            holdsRetrySlot = false;
            target.budget.retryFinished();
        }
    }

    /** The last real response goes to the application as it is. */
    private void giveUpWith(R response, String reason) {
        runtime.listener.onGiveUp(target.name, attempt, System.nanoTime() - start, null, reason);
        result.complete(response);
    }

    /** The last attempt's exception object, decorated as the Retrier does, in the wrapper it came in. */
    private void giveUpWith(Throwable failure, Throwable cause, String reason) {
        long elapsed = System.nanoTime() - start;
        runtime.listener.onGiveUp(target.name, attempt, elapsed, cause, reason);
        GiveUp.decorate(cause, earlier == null ? Collections.emptyList() : earlier, target.name, attempt, elapsed, reason);
        result.completeExceptionally(failure);
    }

    /** Once per call, for the breaker and /health, as {@link LibraryCall#runBlocking} does. */
    private void reportOutcome(R response, Throwable failure) {
        try {
            if (failure != null) {
                Throwable cause = unwrap(failure);
                target.reportOutcome(cause, 0, false);
            } else {
                int status = exchange.status(response);
                target.reportOutcome(null, status, runtime.rules.retriesStatus(RetryRules.Scope.ANY_FAILURE, status));
            }
        } catch (RuntimeException internal) {
            LifelineLog.internalError("asynchronous HTTP outcome", internal);
        }
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}

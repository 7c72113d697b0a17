package dev.lifeline.http;

import dev.lifeline.retry.FailureClassifier;
import dev.lifeline.retry.RetryBudget;
import dev.lifeline.retry.Sleeper;

import java.util.concurrent.CompletableFuture;

/**
 * One request of an HTTP client, as Lifeline acts on it: the JDK's clients and the libraries
 * (Apache HttpClient 4 and 5, OkHttp) all go through here, so the retry contract is decided in one
 * place: which failures and statuses are retried ({@link RetryRules}), {@code Retry-After} within
 * the deadline, the per-host and total caps, the breaker, the retry budget, metrics and /health.
 *
 * <p>A client supplies only what differs: how one attempt is sent and what its response says, as
 * an {@link Exchange} (blocking) or an {@link AsyncExchange}. An attempt runs with the per-thread
 * call-depth guard raised, so the instrumented method Lifeline re-invokes runs its own body and a
 * nested instrumented client (one HTTP library calling another) does not retry inside a retry.
 */
public final class LibraryCall {

    /** The header that makes any request safe to send again (the server acts once per key). */
    public static final String IDEMPOTENCY_KEY = RetryRules.IDEMPOTENCY_KEY;

    /** One attempt of a blocking call, and what Lifeline needs to read from its response. */
    public interface Exchange<R> {
        /** Sends the request once; called with the call-depth guard raised. */
        R send() throws Exception;

        int status(R response);

        /** The first value of the response header {@code name}, or null. */
        String header(R response, String name);

        /** Lets go of a response the application will not get (a retry follows). */
        void discard(R response);
    }

    /** One attempt of an asynchronous call: like {@link Exchange}, but the attempt is a future. */
    public interface AsyncExchange<R> {
        /**
         * Starts one attempt (called with the call-depth guard raised, on the caller's thread for the
         * first attempt and on Lifeline's scheduler for later ones). Cancelling the future should
         * cancel the attempt.
         */
        CompletableFuture<R> send();

        int status(R response);

        String header(R response, String name);

        void discard(R response);
    }

    final HttpRuntime runtime;
    final HttpTarget target;
    final RetryRules.Scope scope;

    private LibraryCall(HttpRuntime runtime, HttpTarget target, RetryRules.Scope scope) {
        this.runtime = runtime;
        this.target = target;
        this.scope = scope;
    }

    /**
     * The call Lifeline acts on, or null (Lifeline's HTTP support is off, or the request names no
     * host): the client then runs as without the agent.
     *
     * @param port       -1 for the scheme's default
     * @param keyed      the request carries an {@code Idempotency-Key} header
     * @param replayable the body (if any) can be sent a second time
     */
    public static LibraryCall of(String scheme, String host, int port, String method, boolean keyed, boolean replayable) {
        HttpRuntime runtime = HttpRuntime.get();
        if (runtime == null || host == null || host.isEmpty()) {
            return null;
        }
        HttpTarget target = runtime.target(host, HttpRuntime.effectivePort(scheme, port));
        return new LibraryCall(runtime, target, RetryRules.scope(method, keyed, replayable));
    }

    /** Whether Lifeline's HTTP support is installed at all. */
    public static boolean active() {
        return HttpRuntime.get() != null;
    }

    /** True while Lifeline runs an attempt on this thread: the instrumented method must run its own body. */
    public static boolean insideAttempt() {
        return HttpThreadState.current().depth > 0;
    }

    /**
     * Whether Lifeline would send this request again after it may have reached the server:
     * idempotent or keyed, with a body that can be sent twice (DESIGN.md, "HTTP").
     */
    public static boolean mayResendAfterSending(String method, boolean keyed, boolean replayable) {
        return RetryRules.scope(method, keyed, replayable) == RetryRules.Scope.ANY_FAILURE;
    }

    /** Runs the call, retrying as the contract allows; returns the last real response or throws the last failure. */
    public <R> R runBlocking(Exchange<R> exchange) throws Exception {
        HttpThreadState state = HttpThreadState.current();
        long start = System.nanoTime();
        target.checkBreaker(start);
        RetryBudget budget = target.budget;
        if (budget != null) {
            budget.callStarted(); // every call in flight counts, so that the budget's ratio is of all of them
        }
        boolean reported = false;
        try {
            // The first attempt is a plain call: the retry loop, its lambdas and its clock reads
            // follow only a failure or a retryable status.
            R response = null;
            int status = 0;
            Exception firstFailure = null;
            try {
                response = sendOnce(exchange, state);
                status = exchange.status(response);
                if (runtime.rules.retriesStatus(scope, status)) {
                    firstFailure = retryableStatus(exchange, response, status);
                }
            } catch (Exception e) {
                firstFailure = e;
            }
            if (firstFailure == null) {
                runtime.retrier.targetAnswered(target.name);
            } else {
                response = retry(exchange, state, start, firstFailure);
                status = exchange.status(response);
            }
            target.reportOutcome(null, status, runtime.rules.retriesStatus(RetryRules.Scope.ANY_FAILURE, status));
            reported = true;
            return response;
        } catch (RetryableStatus lastRealResponse) {
            target.reportOutcome(null, lastRealResponse.status, true);
            reported = true;
            @SuppressWarnings("unchecked")
            R response = (R) lastRealResponse.response;
            return response;
        } catch (Exception e) {
            target.reportOutcome(e, 0, false);
            reported = true;
            throw e;
        } finally {
            if (budget != null) {
                budget.callFinished();
            }
            if (!reported) {
                target.reportOutcome(null, 0, false);
            }
        }
    }

    /** Attempts 2 and later, after {@code firstFailure} (an exception, or a {@link RetryableStatus}). */
    private <R> R retry(Exchange<R> exchange, HttpThreadState state, long start, Exception firstFailure)
            throws Exception {
        RetryableStatus[] pending = {firstFailure instanceof RetryableStatus ? (RetryableStatus) firstFailure : null};
        FailureClassifier classifier = failure -> failure instanceof RetryableStatus
                ? ((RetryableStatus) failure).fitsDeadline(start, runtime.deadlineNanos)
                : RetryRules.retriesFailure(scope, failure);
        return runtime.retrier.continueAfterFirstFailure(target.name, target.budget, classifier, firstFailure, start,
                attempt -> {
                    RetryableStatus previous = pending[0];
                    if (previous != null) {
                        pending[0] = null;
                        @SuppressWarnings("unchecked")
                        R stale = (R) previous.response;
                        exchange.discard(stale);
                        Sleeper.PARKING.sleepNanos(previous.notBeforeNanos() - System.nanoTime());
                    }
                    R response = sendOnce(exchange, state);
                    int status = exchange.status(response);
                    if (runtime.rules.retriesStatus(scope, status)) {
                        pending[0] = retryableStatus(exchange, response, status);
                        throw pending[0];
                    }
                    return response;
                });
    }

    /** One attempt under the target's caps, with the call-depth guard raised. */
    private <R> R sendOnce(Exchange<R> exchange, HttpThreadState state) throws Exception {
        target.acquire(runtime.acquireTimeoutNanos);
        state.depth++;
        try {
            return exchange.send();
        } finally {
            state.depth--;
            target.release();
        }
    }

    /** A response whose status is retried, as the failure the retry loop acts on. */
    private <R> RetryableStatus retryableStatus(Exchange<R> exchange, R response, int status) {
        return new RetryableStatus(response, status,
                RetryAfter.parseNanos(exchange.header(response, "Retry-After"), System.currentTimeMillis()),
                System.nanoTime());
    }

    /**
     * Runs the call asynchronously: waits (caps, backoff, Retry-After) are tasks on Lifeline's one
     * scheduler thread, never a parked thread. The future completes with the last real response or
     * the last failure; cancelling it cancels the attempt in flight.
     */
    public <R> CompletableFuture<R> runAsync(AsyncExchange<R> exchange) {
        return new AsyncCall<>(runtime, target, scope, exchange).start();
    }

    /** host:port, as in metrics and /health. */
    public String target() {
        return target.name;
    }
}

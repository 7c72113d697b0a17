package dev.lifeline.http;

import java.util.List;
import java.util.Locale;

/**
 * Which failures of one request may be answered by sending it again (DESIGN.md, "HTTP").
 * Decided once per call from the method, an {@code Idempotency-Key} header and whether the body
 * can be sent twice; then each failure is judged against it.
 */
final class RetryRules {

    /** How much of a request's fate allows a resend. */
    enum Scope {
        /** Idempotent, or keyed: transport failures and the configured statuses. */
        ANY_FAILURE,
        /** POST/PATCH without a key: only when the request provably never left (connect failure). */
        NEVER_SENT_ONLY,
        /** The body cannot be produced a second time: never. */
        NONE
    }

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final boolean[] retryStatus = new boolean[600];

    RetryRules(List<Integer> retryOnStatus) {
        for (int status : retryOnStatus) {
            if (status >= 0 && status < retryStatus.length) {
                retryStatus[status] = true;
            }
        }
    }

    static Scope scope(String method, boolean hasIdempotencyKey, boolean bodyReplayable) {
        if (!bodyReplayable) {
            return Scope.NONE;
        }
        if (hasIdempotencyKey || isIdempotent(method)) {
            return Scope.ANY_FAILURE;
        }
        return Scope.NEVER_SENT_ONLY;
    }

    /** RFC 9110 9.2.2: GET, HEAD, OPTIONS, TRACE, PUT and DELETE may be repeated. */
    static boolean isIdempotent(String method) {
        if (method == null) {
            return true; // both JDK clients default to GET
        }
        switch (method.toUpperCase(Locale.ROOT)) {
            case "GET":
            case "HEAD":
            case "OPTIONS":
            case "TRACE":
            case "PUT":
            case "DELETE":
                return true;
            default:
                return false;
        }
    }

    boolean retriesStatus(Scope scope, int status) {
        return scope == Scope.ANY_FAILURE && status >= 0 && status < retryStatus.length && retryStatus[status];
    }

    static boolean retriesFailure(Scope scope, Throwable failure) {
        switch (scope) {
            case ANY_FAILURE:
                return HttpFailures.transport(failure);
            case NEVER_SENT_ONLY:
                return HttpFailures.neverSent(failure);
            default:
                return false;
        }
    }
}

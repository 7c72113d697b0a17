package dev.lifeline.metrics;

import dev.lifeline.breaker.CircuitBreaker;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Retries, give-ups and breaker changes through the JDK's logging, logger {@code dev.lifeline}, so
 * they reach whatever the application routes JDK logging to (SLF4J bridges, JBoss LogManager) with
 * no logging dependency of our own: a retry at FINE, a give-up and a breaker opening at WARNING,
 * a breaker closing at INFO. One line each.
 *
 * <p>The {@link Logger} is obtained on the first event, never in {@code premain}: touching
 * {@code java.util.logging} there would fix the LogManager implementation before the application
 * can choose one. Lines carry the target, attempt, wait and {@link FailureDescription} of the
 * cause (class names, SQLState, HTTP status), never an exception message, URL or parameter.
 */
final class EventLog {

    static final String LOGGER_NAME = "dev.lifeline";

    private EventLog() {
    }

    /** Initialised on first use only (class initialisation is lazy and thread-safe). */
    private static final class Holder {
        static final Logger LOGGER = Logger.getLogger(LOGGER_NAME);
    }

    static Logger logger() {
        return Holder.LOGGER;
    }

    static void retry(Kind kind, String target, int attempt, long waitNanos, Throwable cause) {
        Logger logger = Holder.LOGGER;
        if (logger.isLoggable(Level.FINE)) {
            logger.log(Level.FINE, "lifeline: retrying " + kind.tag() + " call to " + target + ": attempt " + attempt
                    + " in " + TimeUnit.NANOSECONDS.toMillis(waitNanos) + " ms after " + FailureDescription.describe(cause));
        }
    }

    static void giveUp(Kind kind, String target, int attempts, long elapsedNanos, Throwable last, String reason) {
        Logger logger = Holder.LOGGER;
        if (logger.isLoggable(Level.WARNING)) {
            logger.log(Level.WARNING, "lifeline: gave up on " + kind.tag() + " call to " + target + " after "
                    + attempts + (attempts == 1 ? " attempt" : " attempts") + " in "
                    + TimeUnit.NANOSECONDS.toMillis(elapsedNanos) + " ms (" + reasonText(reason) + "): "
                    + FailureDescription.describe(last));
        }
    }

    static void breakerChanged(Kind kind, CircuitBreaker breaker, CircuitBreaker.State to) {
        Logger logger = Holder.LOGGER;
        if (to == CircuitBreaker.State.OPEN) {
            if (logger.isLoggable(Level.WARNING)) {
                long until = breaker.openUntilEpochMillis();
                logger.log(Level.WARNING, "lifeline: circuit breaker for " + kind.tag() + " target " + breaker.target()
                        + " opened" + (until > 0 ? " until " + Instant.ofEpochMilli(until) : "")
                        + ": calls fail fast meanwhile");
            }
        } else if (logger.isLoggable(Level.INFO)) {
            logger.log(Level.INFO, "lifeline: circuit breaker for " + kind.tag() + " target " + breaker.target()
                    + " is " + to.label().replace('_', '-'));
        }
    }

    /** GiveUp's reasons are Lifeline's own fixed phrases; anything else is shown as a code only. */
    private static String reasonText(String reason) {
        if (reason == null) {
            return "unknown";
        }
        for (int i = 0; i < reason.length(); i++) {
            char c = reason.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == ' ' || c == '(' || c == ')' || c == '.')) {
                return "other";
            }
        }
        return reason;
    }
}

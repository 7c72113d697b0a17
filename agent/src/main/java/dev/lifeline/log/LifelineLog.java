package dev.lifeline.log;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One-line messages on the application's standard error, prefixed {@code [lifeline]}.
 *
 * <p>Deliberately not java.util.logging: touching the JDK's LogManager from {@code premain} fixes
 * its implementation before the application can choose one (JBoss LogManager, for instance), a
 * surprise no agent may cause. Nothing here ever prints a password, token or bound parameter:
 * callers pass targets as {@code host:port/database} only.
 */
public final class LifelineLog {

    private static final String PREFIX = "[lifeline] ";
    private static final Set<String> ONCE = ConcurrentHashMap.newKeySet();

    private LifelineLog() {
    }

    public static void info(String message) {
        System.err.println(PREFIX + message);
    }

    /**
     * What Lifeline tuned (a pool's keep-alive it filled in, a library's own retries it turned
     * off), once per {@code key} in this JVM, at FINE on the java.util.logging logger
     * {@code dev.lifeline}. Never on standard error: a healthy application's log stays as it was
     * unless its owner turns that logger up. These calls come after start-up, when the
     * application has chosen its logging (Spring Boot routes it to SLF4J, at DEBUG).
     */
    public static void notice(String key, String message) {
        if (ONCE.add("notice:" + key)) {
            try {
                java.util.logging.Logger.getLogger("dev.lifeline").fine(message);
            } catch (RuntimeException | LinkageError e) {
                // a logging system that refuses us costs the notice, nothing else
            }
        }
    }

    public static void warn(String message) {
        System.err.println(PREFIX + "WARNING " + message);
    }

    /** A line that is already complete (config problems carry their own prefix). */
    public static void line(String alreadyPrefixed) {
        System.err.println(alreadyPrefixed.startsWith(PREFIX) ? alreadyPrefixed : PREFIX + alreadyPrefixed);
    }

    /**
     * Fail-open reporting: an error inside Lifeline is reported once per site, then the original
     * call goes on as if the agent were absent.
     */
    public static void internalError(String site, Throwable error) {
        if (ONCE.add(site)) {
            System.err.println(PREFIX + "WARNING internal error in " + site + " (" + error
                    + "); the call continues without Lifeline. Please report this.");
        }
    }
}

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

    /** A notice printed once per {@code key} in this JVM (a tuning applied to every client of a library, say). */
    public static void infoOnce(String key, String message) {
        if (ONCE.add("info:" + key)) {
            info(message);
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

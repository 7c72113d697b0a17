package dev.lifeline.demo.spring;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * What a failed request tells its client about why it failed, read from the service's error
 * response (Boot's error JSON with the stack trace) or from the client's own exception.
 *
 * <p>Issue 12 asks that the exception a framework shows name the real cause of a lost connection:
 * the server ending the session, an I/O error, a refused connection. Spring reporting only that
 * its rollback failed ("Unable to rollback against JDBC Connection") hides it.
 */
public final class FailureCause {

    /** Messages of PostgreSQL and pgjdbc that say why a connection was lost or could not be had. */
    private static final String[] LOSS_MARKERS = {
            "terminating connection due to administrator command",      // 57P01: pg_terminate_backend, fast shutdown
            "terminating connection due to idle-session timeout",      // 57P05
            "the database system is shutting down",                    // 57P03
            "the database system is starting up",                      // 57P03
            "the database system is not yet accepting connections",    // 57P03
            "an i/o error occurred while sending to the backend",      // 08006
            "connection refused",                                      // 08001
            "the connection attempt failed",                           // 08001
    };

    /** The exception chain, outermost first: "SimpleName: message". */
    public final List<String> chain;
    /** The chain names why the connection was lost (a server or driver message, see {@link #LOSS_MARKERS}). */
    public final boolean namesLoss;
    /** The outermost exception is a failed rollback, which hides the failure that caused it. */
    public final boolean maskedByRollback;
    /** Lifeline's explanation that the connection was lost in the middle of a transaction is in the chain. */
    public final boolean saysTransactionLost;
    /** The transaction's commit is what failed: its statements had all run. */
    public final boolean atCommit;

    private FailureCause(List<String> chain, boolean namesLoss, boolean maskedByRollback, boolean saysTransactionLost,
                         boolean atCommit) {
        this.chain = Collections.unmodifiableList(chain);
        this.namesLoss = namesLoss;
        this.maskedByRollback = maskedByRollback;
        this.saysTransactionLost = saysTransactionLost;
        this.atCommit = atCommit;
    }

    /**
     * The loss cut a transaction after its first statement: Lifeline said so, or the commit failed.
     * Only such a write may fail with the agent; a loss at the first statement can be replayed.
     */
    public boolean lostMidTransaction() {
        return saysTransactionLost || atCommit;
    }

    /** The error names its real cause: the loss itself, not a rollback failure in front of it. */
    public boolean namesItsCause() {
        return namesLoss && !maskedByRollback;
    }

    /** Outermost and innermost exception, for counting failures of the same kind. */
    public String summary() {
        if (chain.isEmpty()) {
            return "?";
        }
        String top = chain.get(0);
        String root = chain.get(chain.size() - 1);
        return chain.size() == 1 ? top : top + " <- " + root;
    }

    /** @param error the text a failed request left: "HTTP 500" with message and trace, or a client exception */
    public static FailureCause of(String error) {
        List<String> chain = new ArrayList<>();
        if (error != null) {
            for (String line : error.split("\\R")) {
                String l = line.trim();
                if (l.startsWith("Caused by: ")) {
                    chain.add(shorten(l.substring("Caused by: ".length())));
                } else if (chain.isEmpty() && looksLikeException(l)) {
                    chain.add(shorten(l));
                }
            }
        }
        if (chain.isEmpty() && error != null) {
            chain.add(shorten(error.split("\\R", 2)[0])); // no trace: what the client got is all there is
        }
        String text = error == null ? "" : error.toLowerCase(Locale.ROOT);
        boolean namesLoss = false;
        for (String marker : LOSS_MARKERS) {
            namesLoss |= text.contains(marker);
        }
        String top = chain.isEmpty() ? "" : chain.get(0).toLowerCase(Locale.ROOT);
        boolean masked = top.contains("unable to rollback") || top.contains("could not roll back")
                || top.contains("rollback exception");
        boolean transactionLost = text.matches("(?s).*lost (inside|during|in the middle of) (a|this|the) transaction.*");
        boolean atCommit = top.contains("unable to commit") || top.contains("could not commit");
        return new FailureCause(chain, namesLoss, masked, transactionLost, atCommit);
    }

    private static boolean looksLikeException(String line) {
        int colon = line.indexOf(':');
        String name = colon < 0 ? line : line.substring(0, colon);
        return name.matches("[\\w$.]+\\.[\\w$]*(Exception|Error)");
    }

    private static String shorten(String line) {
        if (!looksLikeException(line)) {
            return line.length() > 200 ? line.substring(0, 200) + "..." : line;
        }
        int colon = line.indexOf(':');
        String name = colon < 0 ? line : line.substring(0, colon);
        String message = colon < 0 ? "" : line.substring(colon);
        String simple = name.substring(name.lastIndexOf('.') + 1);
        String text = simple + message;
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}

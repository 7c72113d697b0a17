package dev.lifeline.jdbc;

import dev.lifeline.retry.FailureClassifier;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.net.ConnectException;
import java.net.MalformedURLException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLException;
import javax.security.auth.login.LoginException;

/**
 * Decides whether a failed connection <em>acquisition</em> is worth another try: no statement has
 * run yet, so the only question is whether waiting can fix it (DESIGN.md, "The retry contract").
 *
 * <p>Reads only what any JDBC driver exposes — SQLState, message text, exception types of the JDK
 * and the chain of causes and next exceptions — so it links against no driver. A refusal anywhere
 * in the chain wins over a retry signal: pgjdbc wraps an unknown host in 08001, and HikariCP's pool
 * timeout carries the last failure's SQLState (28P01 when the password is wrong).
 */
public final class JdbcFailureClassifier implements FailureClassifier {

    public static final JdbcFailureClassifier ACQUIRE = new JdbcFailureClassifier();

    /** Guards against cyclic or absurdly long chains (batch errors chain one exception per row). */
    private static final int MAX_CHAIN = 32;

    private JdbcFailureClassifier() {
    }

    @Override
    public boolean isRetryable(Throwable failure) {
        boolean retry = false;
        for (Throwable t : chain(failure)) {
            Finding f = examine(t);
            if (f.verdict == Verdict.NEVER) {
                return false;
            }
            retry |= f.verdict == Verdict.RETRY;
        }
        return retry;
    }

    /**
     * True when the failure says the target is down or unreachable, the kind of failure a circuit
     * breaker counts. A server or pooler at its client limit (53300, the poolers' refusals) is up
     * and answering: the cap and the retries handle that, and opening a breaker would only turn a
     * queue into errors.
     */
    public static boolean isOutage(Throwable failure) {
        if (!ACQUIRE.isRetryable(failure)) {
            return false;
        }
        String reason = describe(failure);
        return !(reason.startsWith("too many clients") || reason.startsWith("pooler refused"));
    }

    /**
     * True when the database or a pooler refused a client for being at its client limit
     * (53300, Supavisor's and PgBouncer's refusals): what an adaptive connection cap learns from.
     */
    public static boolean isClientLimit(Throwable failure) {
        for (Throwable t : chain(failure)) {
            Finding f = examine(t);
            if (f.rank == Finding.SERVER_BUSY && (f.label.startsWith("too many clients") || f.label.startsWith("pooler refused"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * A short reason for logs and metrics, e.g. "connection refused", "too many clients (53300)",
     * "pooler refused client (Supavisor)", "pool timeout (connection refused)". Built from fixed
     * words and SQLStates only: server messages may name users and are never copied.
     */
    public static String describe(Throwable failure) {
        if (failure == null) {
            return "unknown failure";
        }
        Finding best = null;
        boolean poolTimeout = false;
        for (Throwable t : chain(failure)) {
            poolTimeout |= t instanceof SQLTransientConnectionException;
            Finding f = examine(t);
            if (best == null || f.rank < best.rank) {
                best = f;
            }
        }
        if (poolTimeout && best.verdict != Verdict.NEVER) {
            return best.rank <= Finding.CAUSE ? "pool timeout (" + best.label + ")" : "pool timeout";
        }
        return best.label;
    }

    private enum Verdict { RETRY, NEVER, UNKNOWN }

    /** What one link of the chain says; a lower rank is the more telling description. */
    private static final class Finding {
        static final int REFUSAL = 0;
        static final int SERVER_BUSY = 1;
        static final int CAUSE = 2;
        static final int CONNECTION_STATE = 3;
        static final int OTHER_STATE = 4;
        static final int OTHER = 5;

        final Verdict verdict;
        final int rank;
        final String label;

        Finding(Verdict verdict, int rank, String label) {
            this.verdict = verdict;
            this.rank = rank;
            this.label = label;
        }
    }

    private static Finding examine(Throwable t) {
        // Waiting cannot fix a bad URL, a bad property or an untrusted certificate.
        if (t instanceof UnknownHostException) {
            return new Finding(Verdict.NEVER, Finding.REFUSAL, "unknown host");
        }
        if (t instanceof IllegalArgumentException || t instanceof MalformedURLException
                || t instanceof URISyntaxException) {
            return new Finding(Verdict.NEVER, Finding.REFUSAL, "invalid URL or property");
        }
        if (t instanceof GeneralSecurityException || t instanceof SSLException) {
            return new Finding(Verdict.NEVER, Finding.REFUSAL, "SSL, certificate or key rejected");
        }
        // The driver failed in its own code before the network (a socketFactory that is no
        // SocketFactory, a class that cannot be loaded): waiting changes nothing.
        if ((t instanceof RuntimeException && t.getCause() == null) || t instanceof ReflectiveOperationException
                || t instanceof LinkageError) {
            return new Finding(Verdict.NEVER, Finding.REFUSAL, "driver error before the network ("
                    + t.getClass().getSimpleName() + ")");
        }
        // A key or certificate file that is missing or unreadable, a Kerberos/GSS login: configuration.
        if (t instanceof FileNotFoundException || t instanceof NoSuchFileException || t instanceof AccessDeniedException
                || t instanceof LoginException) {
            return new Finding(Verdict.NEVER, Finding.REFUSAL, "local file or login failed");
        }

        String state = t instanceof SQLException ? ((SQLException) t).getSQLState() : null;
        if (state != null) {
            state = state.toUpperCase(Locale.ROOT);
            if (state.startsWith("28")) {
                return new Finding(Verdict.NEVER, Finding.REFUSAL, "authentication failed (" + state + ")");
            }
            if (state.equals("08004")) { // the server rejected the connection (no SSL, no password given...)
                return new Finding(Verdict.NEVER, Finding.REFUSAL, "connection rejected (08004)");
            }
            if (state.equals("3D000")) {
                return new Finding(Verdict.NEVER, Finding.REFUSAL, "database does not exist (3D000)");
            }
            if (state.startsWith("42")) {
                return new Finding(Verdict.NEVER, Finding.REFUSAL, "syntax or access rule violation (" + state + ")");
            }
        }

        // Poolers refuse by message; Supavisor sends XX000, PgBouncer 08P01, PostgreSQL 53300.
        String pooler = poolerRefusal(t.getMessage());
        if (pooler != null) {
            return new Finding(Verdict.RETRY, Finding.SERVER_BUSY, pooler);
        }
        if (state != null) {
            if (state.equals("53300")) {
                return new Finding(Verdict.RETRY, Finding.SERVER_BUSY, "too many clients (53300)");
            }
            if (state.equals("57P03")) { // the server is starting up, shutting down or in recovery
                return new Finding(Verdict.RETRY, Finding.SERVER_BUSY, "cannot connect now (57P03)");
            }
            // The new session was ended by the server while it was being set up (a DBA's or a
            // script's pg_terminate_backend, a restart): nothing ran in it, so another is safe.
            if (state.equals("57P01") || state.equals("57P02")) {
                return new Finding(Verdict.RETRY, Finding.CONNECTION_STATE, "session terminated by the server (" + state + ")");
            }
        }

        Finding cause = socketCause(t);
        if (cause != null) {
            return cause;
        }
        if (t instanceof SQLTransientConnectionException) {
            // HikariCP's pool timeout is the application's own bound: retried only when a cause
            // below it says the database refused or was unreachable (the chain decides), never
            // when the pool was merely busy or its own check failed. Its SQLState is the cause's.
            return new Finding(Verdict.UNKNOWN, Finding.CONNECTION_STATE, "pool timeout");
        }
        if (state != null && state.startsWith("08") && !hasNetworkCause(t)) {
            // A connection failure without an I/O cause was raised by the driver itself: a bad
            // property, a host name the certificate does not name, a key file readable by others.
            // The network's failures come with their IOException; a server's, with their own states.
            return new Finding(Verdict.UNKNOWN, Finding.CONNECTION_STATE, "connection failure (" + safeState(state) + ")");
        }
        if (state != null && state.startsWith("08")) {
            return new Finding(Verdict.RETRY, Finding.CONNECTION_STATE, "connection failure (" + state + ")");
        }
        if (state != null && !state.isEmpty()) {
            // XX000 without a pooler message is a server bug or crash report: not known to pass.
            return new Finding(Verdict.UNKNOWN, Finding.OTHER_STATE, "SQLState " + safeState(state));
        }
        return new Finding(Verdict.UNKNOWN, Finding.OTHER, t.getClass().getSimpleName());
    }

    /**
     * A reset or end of stream raised inside the TLS layer right after the handshake: with TLS 1.3
     * a server that rejects the client's certificate says so only as the client goes on, and the
     * client sees a broken pipe or a reset there, not an SSLException. Configuration, not an outage.
     */
    private static boolean insideTls(Throwable t) {
        StackTraceElement[] frames = t.getStackTrace();
        for (int i = 0; i < frames.length && i < 24; i++) {
            String type = frames[i].getClassName();
            if (type.startsWith("sun.security.ssl.") || type.startsWith("javax.net.ssl.")) {
                return true;
            }
        }
        return false;
    }

    private static Finding socketCause(Throwable t) {
        if (t instanceof java.net.BindException) { // a local address or port the configuration asks for
            return new Finding(Verdict.NEVER, Finding.REFUSAL, "local address cannot be bound");
        }
        if ((t instanceof SocketException || t instanceof EOFException) && !(t instanceof ConnectException)
                && insideTls(t)) {
            return new Finding(Verdict.NEVER, Finding.REFUSAL, "TLS session ended by the server (certificate rejected?)");
        }
        if (t instanceof ConnectException) {
            return new Finding(Verdict.RETRY, Finding.CAUSE, "connection refused");
        }
        if (t instanceof NoRouteToHostException) {
            return new Finding(Verdict.RETRY, Finding.CAUSE, "no route to host");
        }
        if (t instanceof SocketTimeoutException) {
            return new Finding(Verdict.RETRY, Finding.CAUSE, "socket timeout");
        }
        if (t instanceof SocketException) {
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            String label = m.contains("reset") ? "connection reset"
                    : m.contains("broken pipe") ? "broken pipe"
                    : m.contains("closed") ? "socket closed"
                    : "socket error";
            return new Finding(Verdict.RETRY, Finding.CAUSE, label);
        }
        if (t instanceof EOFException) { // pgjdbc: the server closed the socket during SSL/startup
            return new Finding(Verdict.RETRY, Finding.CAUSE, "connection closed by server (EOF)");
        }
        return null;
    }

    private static boolean hasNetworkCause(Throwable t) {
        int depth = 0;
        for (Throwable c = t.getCause(); c != null && depth < MAX_CHAIN; c = c.getCause() == c ? null : c.getCause(), depth++) {
            if (socketCause(c) != null || c instanceof java.io.IOException) {
                return true;
            }
        }
        return false;
    }

    /** The refusals of DESIGN.md, byte for byte; a null result means none of them. */
    static String poolerRefusal(String message) {
        if (message == null) {
            return null;
        }
        if (message.contains("(EMAXCONNSESSION) max clients reached in session mode")
                || message.contains("(EMAXCONN) max client connections reached")
                || message.contains("MaxClientsInSessionMode: max clients reached")) {
            return "pooler refused client (Supavisor)";
        }
        if (message.contains("no more connections allowed (max_client_conn)")) {
            return "pooler refused client (PgBouncer)";
        }
        if (message.contains("sorry, too many clients already")) {
            return "too many clients (53300)";
        }
        return null;
    }

    private static String safeState(String state) {
        return state.length() <= 5 && state.chars().allMatch(Character::isLetterOrDigit) ? state : "?";
    }

    /** The failure, its next exceptions and causes, each once, breadth first. */
    private static List<Throwable> chain(Throwable failure) {
        List<Throwable> out = new ArrayList<>();
        if (failure == null) {
            return out;
        }
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        out.add(failure);
        seen.put(failure, Boolean.TRUE);
        for (int i = 0; i < out.size() && out.size() < MAX_CHAIN; i++) {
            Throwable t = out.get(i);
            if (t instanceof SQLException) {
                addOnce(((SQLException) t).getNextException(), out, seen);
            }
            addOnce(t.getCause(), out, seen);
        }
        return out;
    }

    private static void addOnce(Throwable t, List<Throwable> out, Map<Throwable, Boolean> seen) {
        if (t != null && out.size() < MAX_CHAIN && seen.put(t, Boolean.TRUE) == null) {
            out.add(t);
        }
    }
}

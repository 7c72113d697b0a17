package dev.lifeline.demo.spring;

import dev.lifeline.demo.db.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault done to the real PostgreSQL under a running service, by an administrator's means:
 * {@code pg_terminate_backend} on the service's sessions (picked by their application_name),
 * a real stop and start of the server, or the server's {@code idle_session_timeout}.
 */
public abstract class Fault {

    private final String description;

    private Fault(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** A server outage: stop requested, server down (its port refuses), server up again. Nanos. */
    public static final class Outage {
        public final long stopRequestedNanos;
        public final long downNanos;
        public final long upNanos;

        Outage(long stopRequestedNanos, long downNanos, long upNanos) {
            this.stopRequestedNanos = stopRequestedNanos;
            this.downNanos = downNanos;
            this.upNanos = upNanos;
        }
    }

    /** What the fault did while it ran. */
    public static final class Log {
        /** Sessions the administrator terminated, or the server ended for idling. */
        final AtomicInteger terminated = new AtomicInteger();
        final List<Outage> outages = Collections.synchronizedList(new ArrayList<>());

        public int backendsTerminated() {
            return terminated.get();
        }

        public List<Outage> outages() {
            synchronized (outages) {
                return new ArrayList<>(outages);
            }
        }

        public int faultsInjected() {
            return terminated.get() + outages.size();
        }
    }

    /** Does the fault until {@code stop} is set, then undoes what it changed on the server. */
    abstract void inject(Database database, String applicationName, Log log, AtomicBoolean stop) throws Exception;

    /** Whether the phase must wait for the fault to finish by itself (a restart schedule) before it ends. */
    boolean runsToCompletion() {
        return false;
    }

    /** No fault: the service as it runs on a good day. */
    public static Fault none() {
        return new Fault("no fault") {
            @Override
            void inject(Database database, String applicationName, Log log, AtomicBoolean stop) throws Exception {
                while (!stop.get()) {
                    Thread.sleep(50);
                }
            }
        };
    }

    /** One of the service's backends, chosen at random, terminated every {@code every}. */
    public static Fault terminateOneBackendEvery(Duration every) {
        return new Terminate("one random backend of the service terminated every " + every.toMillis() + " ms", every, true);
    }

    /** All of the service's backends terminated every {@code every}. */
    public static Fault terminateAllBackendsEvery(Duration every) {
        return new Terminate("all backends of the service terminated every " + every.toMillis() + " ms", every, false);
    }

    /**
     * The server stopped (fast shutdown) and started again after each downtime in turn, the first
     * stop after {@code lead} and each later one {@code gap} after the server came back.
     */
    public static Fault restarts(Duration lead, Duration gap, Duration... downtimes) {
        StringBuilder text = new StringBuilder("PostgreSQL stopped and started again after ");
        for (int i = 0; i < downtimes.length; i++) {
            text.append(i == 0 ? "" : i + 1 == downtimes.length ? ", then after " : ", ")
                    .append(String.format(Locale.ROOT, "%.0f s", downtimes[i].toMillis() / 1000.0));
        }
        return new Restarts(text.toString(), lead, gap, Arrays.asList(downtimes));
    }

    /** The server's idle_session_timeout set (and reloaded) to {@code timeout} for the duration. */
    public static Fault idleSessionTimeout(Duration timeout) {
        return new IdleSessionTimeout("idle_session_timeout = " + timeout.toMillis() + " ms on the server", timeout);
    }

    private static final class Terminate extends Fault {
        private final Duration every;
        private final boolean one;

        Terminate(String description, Duration every, boolean one) {
            super(description);
            this.every = every;
            this.one = one;
        }

        @Override
        void inject(Database database, String applicationName, Log log, AtomicBoolean stop) throws Exception {
            String sql = "SELECT count(pg_terminate_backend(pid)) FROM (SELECT pid FROM pg_stat_activity "
                    + "WHERE application_name = ? AND pid <> pg_backend_pid()" + (one ? " ORDER BY random() LIMIT 1" : "") + ") s";
            try (Connection admin = database.admin(); PreparedStatement terminate = admin.prepareStatement(sql)) {
                terminate.setString(1, applicationName);
                while (!stop.get()) {
                    Thread.sleep(every.toMillis());
                    try (ResultSet rs = terminate.executeQuery()) {
                        rs.next();
                        log.terminated.addAndGet(rs.getInt(1));
                    }
                }
            }
        }
    }

    private static final class Restarts extends Fault {
        private final Duration lead;
        private final Duration gap;
        private final List<Duration> downtimes;

        Restarts(String description, Duration lead, Duration gap, List<Duration> downtimes) {
            super(description);
            this.lead = lead;
            this.gap = gap;
            this.downtimes = downtimes;
        }

        @Override
        boolean runsToCompletion() {
            return true;
        }

        @Override
        void inject(Database database, String applicationName, Log log, AtomicBoolean stop) throws Exception {
            Thread.sleep(lead.toMillis());
            for (int i = 0; i < downtimes.size(); i++) {
                long requested = System.nanoTime();
                database.stopServer();
                long down = System.nanoTime();
                try {
                    Thread.sleep(downtimes.get(i).toMillis());
                } finally {
                    database.startServer();
                }
                log.outages.add(new Outage(requested, down, System.nanoTime()));
                if (i + 1 < downtimes.size()) {
                    Thread.sleep(gap.toMillis());
                }
            }
        }
    }

    private static final class IdleSessionTimeout extends Fault {
        private final Duration timeout;

        IdleSessionTimeout(String description, Duration timeout) {
            super(description);
            this.timeout = timeout;
        }

        @Override
        void inject(Database database, String applicationName, Log log, AtomicBoolean stop) throws Exception {
            try (Connection admin = database.admin(); Statement s = admin.createStatement()) {
                s.execute("SET idle_session_timeout = 0"); // the administrator's own session stays
                long endedBefore = sessionsEndedByServer(s);
                s.execute("ALTER SYSTEM SET idle_session_timeout = '" + timeout.toMillis() + "ms'");
                s.execute("SELECT pg_reload_conf()");
                try {
                    while (!stop.get()) {
                        Thread.sleep(50);
                    }
                } finally {
                    s.execute("ALTER SYSTEM RESET idle_session_timeout");
                    s.execute("SELECT pg_reload_conf()");
                }
                Thread.sleep(600); // the statistics collector reports with a delay of up to 500 ms
                log.terminated.addAndGet((int) (sessionsEndedByServer(s) - endedBefore));
            } catch (SQLException e) {
                throw new IllegalStateException("could not set idle_session_timeout: " + e.getMessage(), e);
            }
        }

        /** PostgreSQL 14's count of sessions that ended in a FATAL error, idle-session timeouts among them. */
        private static long sessionsEndedByServer(Statement s) throws SQLException {
            s.execute("SELECT pg_stat_clear_snapshot()");
            try (ResultSet rs = s.executeQuery("SELECT sessions_fatal FROM pg_stat_database WHERE datname = current_database()")) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }
}

package dev.lifeline.metrics;

import dev.lifeline.breaker.BreakerConfig;
import dev.lifeline.retry.GiveUp;
import dev.lifeline.retry.RetryListener;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.SocketException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Feeds every kind of event with failures whose messages carry a password, a token and an
 * Authorization header, and a target carrying credentials and a query string, then looks for them
 * in every log record (FINE and up), standard error, {@code /metrics} and {@code /health}.
 */
class NoSecretsTest {

    static final String PASSWORD = "Pw-LIFELINE-SECRET-9731";
    static final String TOKEN = "tok_LIFELINE_SECRET_4410";

    private final List<LogRecord> records = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (records) {
                records.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Level previousLevel;
    /**
     * Held strongly: java.util.logging keeps loggers weakly, so a level set on a logger nobody
     * holds can be collected with it before the first event, which then logs at INFO (a flake seen once).
     */
    private Logger logger;

    @BeforeEach
    void captureLogging() {
        logger = Logger.getLogger(EventLog.LOGGER_NAME);
        previousLevel = logger.getLevel();
        logger.setLevel(Level.FINE);
        capture.setLevel(Level.ALL);
        logger.addHandler(capture);
    }

    @AfterEach
    void restore() {
        logger.removeHandler(capture);
        logger.setLevel(previousLevel);
        Observability.stop();
    }

    @Test
    void passwordsTokensAndParameterValuesAppearInNoLogLineMetricOrHealthBody() throws IOException {
        PrintStream originalErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String metrics;
        String health;
        try {
            System.setErr(new PrintStream(err, true, "UTF-8"));
            int port = AdminEndpointTest.freePort();
            Observability o = Observability.start(port,
                    BreakerConfig.of(0.5, 2, Duration.ofSeconds(10), Duration.ofSeconds(30), 1), false);

            String leakyTarget = "postgres://admin:" + PASSWORD + "@db.example.com:5432/app?password=" + PASSWORD + "&token=" + TOKEN;
            SQLException authFailure = new SQLException("FATAL: password authentication failed, password was " + PASSWORD, "08001",
                    new SocketException("Authorization: Bearer " + TOKEN));
            SQLException withParameter = new SQLException("duplicate key: Key (api_token)=(" + TOKEN + ") already exists", "08006",
                    new IOException("GET /kv?token=" + TOKEN + " failed"));
            SocketException reset = new SocketException("Connection reset");

            RetryListener jdbc = o.retryListener(Kind.JDBC);
            RetryListener http = o.retryListener(Kind.HTTP);
            jdbc.onRetry(leakyTarget, 2, 100_000_000, authFailure);
            jdbc.onRetry(leakyTarget, 3, 200_000_000, withParameter);
            jdbc.onGiveUp(leakyTarget, 3, 400_000_000, withParameter, GiveUp.attemptsExhausted(3, 3));
            jdbc.onRetry(leakyTarget, 2, 100_000_000, new SQLTransientConnectionException(PASSWORD, "08001", reset));
            jdbc.onSuccessAfterRetry(leakyTarget, 2, 1_000);
            o.jdbcEvents().statementReplayed(leakyTarget, "replayed insert values ('" + PASSWORD + "')");
            o.jdbcEvents().outcomeUnknown(leakyTarget);
            o.jdbcEvents().transactionLost(leakyTarget);
            o.jdbcEvents().connectionReplaced(leakyTarget);
            http.onRetry("kv.example.com:443", 2, 100_000_000, new IOException("HTTP 503 for https://kv.example.com/get?key=a&token=" + TOKEN));
            http.onGiveUp("kv.example.com:443", 4, 900_000_000, new HttpFailure(503, "Authorization: Bearer " + TOKEN), GiveUp.BUDGET_EXHAUSTED);
            TargetHealth db = o.target(Kind.JDBC, leakyTarget, null);
            db.onFailure(authFailure, true);
            db.onFailure(new SQLTransientConnectionException(PASSWORD, "08001", reset), true); // opens the breaker
            assertFalse(db.tryAcquirePermission());
            String rejection = db.rejectionMessage();
            assertFalse(rejection.contains(PASSWORD) || rejection.contains(TOKEN), rejection);

            metrics = AdminEndpointTest.get(port, "/metrics").body;
            health = AdminEndpointTest.get(port, "/health").body;
        } finally {
            System.setErr(originalErr);
        }

        List<String> lines = new ArrayList<>();
        SimpleFormatter formatter = new SimpleFormatter();
        synchronized (records) {
            for (LogRecord record : records) {
                lines.add(formatter.format(record));
            }
        }
        lines.add(err.toString("UTF-8"));
        lines.add(metrics);
        lines.add(health);
        for (String text : lines) {
            assertFalse(text.contains(PASSWORD), "password in: " + text);
            assertFalse(text.contains(TOKEN), "token in: " + text);
            assertFalse(text.contains("Bearer"), "Authorization header in: " + text);
            assertFalse(text.contains("?token") || text.contains("?password") || text.contains("key=a"), "query string in: " + text);
        }
        // ...while what an operator needs is there.
        assertTrue(health.contains("\"target\":\"db.example.com:5432/app\""), health);
        assertTrue(metrics.contains("target=\"db.example.com:5432/app\""), metrics);
        String all = String.join("\n", lines);
        assertTrue(all.contains("SQLState 08006"), all);
        assertTrue(all.contains("[HTTP 503]"), all);
        assertTrue(all.contains("java.net.SocketException: Connection reset"), all);
    }

    @Test
    void aRetryIsOneFineLineAndAGiveUpOneWarningLineWithTargetAttemptWaitAndCause() {
        Observability o = Observability.start(0, BreakerConfig.DISABLED, false);
        SQLException cause = new SQLException("An I/O error occurred while sending to the backend.", "08006",
                new SocketException("Connection reset"));
        o.retryListener(Kind.JDBC).onRetry("db.example.com:5432/app", 2, 137_000_000, cause);
        o.retryListener(Kind.JDBC).onGiveUp("db.example.com:5432/app", 3, 412_000_000, cause, GiveUp.attemptsExhausted(3, 3));
        o.retryListener(Kind.JDBC).onGiveUp("db.example.com:5432/app", 1, 1_000, new SQLException("syntax", "42601"), GiveUp.NOT_RETRYABLE);

        assertEquals(2, records.size(), "a first-attempt application error is no give-up: " + records.size());
        LogRecord retry = records.get(0);
        assertEquals(Level.FINE, retry.getLevel());
        assertEquals("lifeline: retrying jdbc call to db.example.com:5432/app: attempt 2 in 137 ms after "
                + "java.sql.SQLException [SQLState 08006] <- java.net.SocketException: Connection reset", retry.getMessage());
        LogRecord giveUp = records.get(1);
        assertEquals(Level.WARNING, giveUp.getLevel());
        assertEquals("lifeline: gave up on jdbc call to db.example.com:5432/app after 3 attempts in 412 ms "
                + "(attempts exhausted (3 of 3)): java.sql.SQLException [SQLState 08006] <- java.net.SocketException: Connection reset",
                giveUp.getMessage());
        assertFalse(giveUp.getMessage().contains("I/O error"), "messages of drivers are never logged");
    }

    /** What the HTTP support would throw for a failing status. */
    static final class HttpFailure extends IOException implements HttpStatusFailure {
        private final int status;

        HttpFailure(int status, String message) {
            super(message);
            this.status = status;
        }

        @Override
        public int httpStatus() {
            return status;
        }
    }
}

package dev.lifeline.jdbc;

import dev.lifeline.log.LifelineLog;
import dev.lifeline.retry.FailureClassifier;

import java.io.EOFException;
import java.io.InputStream;
import java.io.Reader;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code Statement}, {@code PreparedStatement} or {@code CallableStatement} of a
 * {@link LifelineConnection}: remembers how it was created, its settings and bound parameters (in
 * memory only: never logged), so that it can be re-created on a replacement connection and run
 * again where {@link ReplayDecision} allows it.
 *
 * <p>The no-failure path calls the driver once and records only what a replay would need.
 */
final class LifelineStatement implements InvocationHandler {

    private static final ClassValue<Class<?>[]> INTERFACES = new ClassValue<>() {
        @Override
        protected Class<?>[] computeValue(Class<?> type) {
            return LifelineConnection.publicInterfaces(type, Statement.class);
        }
    };

    private static final ProxyConstructors PROXIES = new ProxyConstructors(INTERFACES);

    private static final Call[] NO_PARAMETERS = new Call[0];

    private final LifelineConnection owner;
    private final Method creator;
    private final Object[] creatorArguments;
    /** The SQL of a prepared or callable statement; null for a plain statement. */
    private final String preparedSql;

    private volatile Statement physical;
    private volatile int generation;
    private Statement proxy;

    /** Statement settings (fetch size, timeouts...), by setter name. */
    private Map<String, Call> settings;
    /** Bound parameters by index (and by name for callable statements). */
    private Call[] parameters = NO_PARAMETERS;
    private Map<String, Call> namedParameters;
    private List<Call[]> parameterBatches;
    private List<String> sqlBatch;
    /** A stream or reader was bound: it is consumed by the first execution and cannot be replayed. */
    private boolean streamBound;

    private LifelineStatement(LifelineConnection owner, Method creator, Object[] creatorArguments, Statement physical) {
        this.owner = owner;
        this.creator = creator;
        this.creatorArguments = creatorArguments;
        this.preparedSql = !creator.getName().equals("createStatement") && creatorArguments != null
                && creatorArguments[0] instanceof String ? (String) creatorArguments[0] : null;
        this.physical = physical;
        this.generation = owner.generation();
    }

    static Statement wrap(LifelineConnection owner, Method creator, Object[] arguments, Statement physical) {
        LifelineStatement handler = new LifelineStatement(owner, creator, arguments, physical);
        handler.proxy = (Statement) PROXIES.newProxy(physical.getClass(), handler);
        return handler.proxy;
    }

    @Override
    public Object invoke(Object self, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        switch (name) {
            case "execute":
            case "executeQuery":
            case "executeUpdate":
            case "executeLargeUpdate":
            case "executeBatch":
            case "executeLargeBatch":
                return execute(method, args);
            case "getConnection":
                return owner.proxy();
            case "addBatch":
                record(method, args);
                break;
            case "clearBatch":
                parameterBatches = null;
                sqlBatch = null;
                break;
            case "clearParameters":
                parameters = NO_PARAMETERS;
                namedParameters = null;
                streamBound = false;
                break;
            case "unwrap":
            case "isWrapperFor":
            case "equals":
            case "hashCode":
                Object answer = WrapperIdentity.answer(self, name, args);
                if (answer != WrapperIdentity.NOT_ANSWERED) {
                    return answer;
                }
                break;
            default:
                if (args != null && (name.startsWith("set") || name.equals("registerOutParameter") || name.equals("closeOnCompletion"))) {
                    record(method, args);
                }
                break;
        }
        return invokeOn(physical, method, args);
    }

    private void record(Method method, Object[] args) {
        String name = method.getName();
        if (name.equals("addBatch")) {
            if (args != null && args.length == 1 && args[0] instanceof String) {
                if (sqlBatch == null) {
                    sqlBatch = new ArrayList<>();
                }
                sqlBatch.add((String) args[0]);
            } else {
                if (parameterBatches == null) {
                    parameterBatches = new ArrayList<>();
                }
                parameterBatches.add(parameters.clone());
            }
            return;
        }
        Call call = new Call(method, args);
        for (Object arg : args) {
            if (arg instanceof InputStream || arg instanceof Reader) {
                streamBound = true;
            }
        }
        if (preparedSql != null && args.length >= 2 && args[0] instanceof Integer && !isStatementSetting(name)) {
            int index = (Integer) args[0];
            if (index >= parameters.length) {
                Call[] grown = new Call[Math.max(index + 1, Math.max(8, parameters.length * 2))];
                System.arraycopy(parameters, 0, grown, 0, parameters.length);
                parameters = grown;
            }
            parameters[index] = call;
        } else if (preparedSql != null && args.length >= 2 && args[0] instanceof String && !isStatementSetting(name)) {
            if (namedParameters == null) {
                namedParameters = new HashMap<>();
            }
            namedParameters.put(name + ":" + args[0], call);
        } else {
            if (settings == null) {
                settings = new LinkedHashMap<>(4);
            }
            settings.put(name, call);
        }
    }

    private static boolean isStatementSetting(String name) {
        switch (name) {
            case "setFetchSize":
            case "setMaxRows":
            case "setLargeMaxRows":
            case "setQueryTimeout":
            case "setFetchDirection":
            case "setEscapeProcessing":
            case "setPoolable":
            case "setMaxFieldSize":
            case "setCursorName":
                return true;
            default:
                return false;
        }
    }

    private Object execute(Method method, Object[] args) throws Throwable {
        JdbcRuntime runtime = JdbcRuntime.get();
        if (runtime == null) {
            return invokeOn(physical, method, args);
        }
        Attempt first = new Attempt();
        try {
            return attempt(runtime, method, args, first);
        } catch (SQLException failure) {
            if (!first.replay) {
                throw failure;
            }
            Attempt[] last = {first};
            // No retry budget here: a replay follows a session that died, not a server that is
            // failing, and the reconnect under it is budgeted like every acquisition. With a
            // budget, a pool whose backends are all terminated at once (four threads, budget
            // three) would hand one of them the error.
            return runtime.retrier.callAfterFirstFailure(owner.target.name, null,
                    (FailureClassifier) f -> last[0].replay, failure, attemptNumber -> {
                        last[0] = new Attempt();
                        return attempt(runtime, method, args, last[0]);
                    });
        } finally {
            if (method.getName().endsWith("Batch")) {
                // JDBC clears the batch once it was executed, whatever the outcome.
                parameterBatches = null;
                sqlBatch = null;
            }
        }
    }

    /** One execution, with the replay decision made on failure. */
    private Object attempt(JdbcRuntime runtime, Method method, Object[] args, Attempt outcome) throws Exception {
        Connection connection;
        DriverTraits traits;
        boolean autoCommit;
        boolean idleBefore;
        JdbcThreadState thread;
        try {
            owner.ensureUsable();
            if (generation != owner.generation()) {
                recreate();
            }
            connection = owner.physical();
            traits = owner.traits();
            autoCommit = owner.session.autoCommit;
            // In autocommit the session is idle between statements unless the application ran BEGIN itself.
            idleBefore = autoCommit && (!traits.protocolSignals || traits.idle(connection));
            thread = JdbcThreadState.current();
            thread.resultMessages = 0;
        } catch (RuntimeException bug) {
            // Fail-open: Lifeline's own error must not reach the application; run the statement as is.
            LifelineLog.internalError("statement preparation", bug);
            return invokeOn(physical, method, args);
        }
        try {
            Object result = invokeOn(physical, method, args);
            owner.markUsed();
            return result;
        } catch (SQLException failure) {
            owner.markUsed();
            try {
                return decideAndThrow(runtime, failure, args, connection, traits, autoCommit, idleBefore, thread, outcome);
            } catch (RuntimeException bug) {
                LifelineLog.internalError("statement failure decision", bug);
                outcome.replay = false;
                throw failure;
            }
        }
    }

    private Object decideAndThrow(JdbcRuntime runtime, SQLException failure, Object[] args, Connection connection,
                                  DriverTraits traits, boolean autoCommit, boolean idleBefore, JdbcThreadState thread,
                                  Attempt outcome) throws SQLException {
        ReplayDecision.Facts facts = new ReplayDecision.Facts();
        facts.autoCommit = autoCommit;
        facts.idleBefore = idleBefore;
        facts.readOnly = owner.session.readOnly || isRead(runtime, sqlOf(args));
        facts.simpleProtocol = traits.simpleProtocol(connection);
        facts.resultSeen = !traits.protocolSignals || thread.resultMessages > 0;
        facts.sqlState = failure.getSQLState();
        facts.deadBeforeSend = "08003".equals(facts.sqlState);
        facts.severity = DriverTraits.severity(failure);
        facts.ioFailure = hasIoCause(failure);
        ReplayDecision decision = ReplayDecision.decide(facts);
        if (streamBound && decision != ReplayDecision.PASS_THROUGH && !facts.deadBeforeSend) {
            // A bound stream was consumed by the attempt that failed.
            decision = autoCommit ? ReplayDecision.FAIL_OUTCOME_UNKNOWN : ReplayDecision.FAIL_TRANSACTION_LOST;
        }
        throw handle(runtime, decision, failure, outcome);
    }

    private SQLException handle(JdbcRuntime runtime, ReplayDecision decision, SQLException failure, Attempt outcome) {
        String target = owner.target.name;
        switch (decision) {
            case REPLAY_SAME_CONNECTION:
                outcome.replay = true;
                runtime.events.statementReplayed(target, "rolled back by the server (" + failure.getSQLState() + ")");
                return failure;
            case REPLAY_FRESH_CONNECTION:
                outcome.replay = true;
                owner.markBroken(false);
                runtime.events.statementReplayed(target, "connection lost before the statement took effect");
                return failure;
            case FAIL_TRANSACTION_LOST:
                owner.markBroken(true);
                runtime.events.transactionLost(target);
                return SameTypeSqlException.withMessage(failure, "lifeline: the connection to " + target
                        + " was lost inside a transaction; the server rolled the transaction back and nothing was "
                        + "re-executed; the connection is replaced on next use, so the transaction can be retried");
            case FAIL_OUTCOME_UNKNOWN:
                owner.markBroken(false);
                runtime.events.outcomeUnknown(target);
                return SameTypeSqlException.withMessage(failure, "lifeline: outcome unknown: the connection to " + target
                        + " was lost after the statement was sent, so it may or may not have taken effect; "
                        + "it was not re-executed");
            case PASS_THROUGH:
            default:
                return failure;
        }
    }

    private boolean isRead(JdbcRuntime runtime, String sql) {
        return SqlText.isPlainRead(sql) || SqlText.matchesAny(sql, runtime.idempotentPatterns);
    }

    private String sqlOf(Object[] args) {
        if (preparedSql != null) {
            return preparedSql;
        }
        if (args != null && args.length > 0 && args[0] instanceof String) {
            return (String) args[0];
        }
        if (sqlBatch != null && sqlBatch.size() == 1) {
            return sqlBatch.get(0);
        }
        return null; // a batch of several statements: treated as a write
    }

    /** The physical statement belonged to a replaced connection: create it again, as the application did. */
    private void recreate() throws Exception {
        LifelineConnection.closeQuietly(physical);
        Statement fresh = (Statement) invokeOn(owner.physical(), creator, creatorArguments);
        if (settings != null) {
            for (Call call : settings.values()) {
                call.applyTo(fresh);
            }
        }
        applyParameters(fresh, parameters);
        if (namedParameters != null) {
            for (Call call : namedParameters.values()) {
                call.applyTo(fresh);
            }
        }
        if (parameterBatches != null) {
            for (Call[] batch : parameterBatches) {
                applyParameters(fresh, batch);
                ((PreparedStatement) fresh).addBatch();
            }
            applyParameters(fresh, parameters);
        }
        if (sqlBatch != null) {
            for (String sql : sqlBatch) {
                fresh.addBatch(sql);
            }
        }
        physical = fresh;
        generation = owner.generation();
    }

    private static void applyParameters(Statement statement, Call[] calls) throws Exception {
        for (Call call : calls) {
            if (call != null) {
                call.applyTo(statement);
            }
        }
    }

    private static Object invokeOn(Object target, Method method, Object[] args) throws Exception {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception) {
                throw (Exception) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw e;
        }
    }

    static boolean hasIoCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SocketException || t instanceof EOFException || t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** The decision of one attempt, read by the retry loop. */
    private static final class Attempt {
        boolean replay;
    }

    /** A recorded call of an interface method (a setter): invoked again on the re-created statement. */
    private static final class Call {
        final Method method;
        final Object[] args;

        Call(Method method, Object[] args) {
            this.method = method;
            this.args = args;
        }

        void applyTo(Statement statement) throws Exception {
            invokeOn(statement, method, args);
        }
    }
}

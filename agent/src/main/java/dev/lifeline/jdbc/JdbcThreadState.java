package dev.lifeline.jdbc;

import dev.lifeline.jdbc.pgjdbc.ResultCount;

/**
 * Per-thread JDBC state: the call-depth guard that makes only the outermost instrumented
 * acquisition retry ({@code DataSource.getConnection} calling {@code Driver.connect} must not
 * multiply attempts), and the protocol signal that a statement's result was already received.
 *
 * <p>One mutable object per thread, reused: the fast path allocates nothing.
 */
public final class JdbcThreadState {

    private static final ThreadLocal<JdbcThreadState> CURRENT = ThreadLocal.withInitial(JdbcThreadState::new);

    /** Acquisition calls of Lifeline's on this thread's stack. */
    int depth;
    /** Physical {@code Driver.connect} calls in progress (a driver delegating to another must not count twice). */
    int inDriverConnect;
    /**
     * Set just before Lifeline invokes the instrumented method itself: the advice then lets the
     * original body run once. Lifeline calls the method again instead of re-running the body so
     * that all retry logic is plain Java (no {@code repeatOn}, nothing added to the class).
     */
    boolean runOriginalNext;

    /** The target of the outermost data source acquisition under way on this thread ({@link DataSourceInterceptor}). */
    TargetState borrowing;

    /**
     * Result messages (CommandComplete, DataRow, ...) a per-thread pgjdbc reader read on this
     * thread; only differences matter (see {@link #PER_THREAD}).
     */
    int resultMessages;

    /**
     * The last counting pgjdbc stream constructed during the physical connect in progress on this
     * thread (see {@code pgjdbc.ResultCount}): the connection's wrapper takes it. Streams made
     * outside a connect (pgjdbc's cancel requests) are not kept.
     */
    private Object createdStream;

    /** A counting {@code PGStream} was constructed on this thread ({@code pgjdbc.ProtocolSignals}). */
    public static void streamCreated(Object stream) {
        JdbcThreadState state = CURRENT.get();
        if (state.inDriverConnect > 0) {
            state.createdStream = stream;
        }
    }

    /**
     * A per-thread-counting pgjdbc stream (loaded before Lifeline) read its session's
     * authentication during the physical connect in progress: its result messages are counted on
     * this thread. Without it (a reader that could not be hooked), no result counts are known.
     */
    private boolean hookedRead;

    /** pgjdbc's reader, of the per-thread kind, read an authentication message ({@code pgjdbc.ProtocolSignals}). */
    public static void hookedReadDuringConnect() {
        JdbcThreadState state = CURRENT.get();
        if (state.inDriverConnect > 0) {
            state.hookedRead = true;
        }
    }

    /** Forgets any stream before a physical connect starts. */
    void clearCreatedStream() {
        createdStream = null;
        hookedRead = false;
    }

    /**
     * The count of result messages the session the last physical connect on this thread opened
     * is known by, taken (forgotten here): the stream's own ({@code pgjdbc.ResultCount}), this
     * thread's ({@link #PER_THREAD}, for a per-thread reader seen reading the connect), or null
     * when none is known or the driver gives no protocol signals.
     */
    ResultCount takeSessionCount(boolean protocolSignals) {
        Object stream = createdStream;
        boolean hooked = hookedRead;
        clearCreatedStream();
        if (!protocolSignals) {
            return null;
        }
        if (stream instanceof ResultCount) {
            return (ResultCount) stream;
        }
        return hooked ? PER_THREAD : null;
    }

    /**
     * The count of a session whose pgjdbc reader counts on the calling thread (a {@code PGStream}
     * loaded before Lifeline): the statement's own thread reads the protocol, so differences of it
     * over one execution are that execution's.
     */
    static final ResultCount PER_THREAD = () -> CURRENT.get().resultMessages;

    /** A result message of the current statement was read (pgjdbc's protocol reader, {@code pgjdbc.ProtocolSignals}). */
    public static void resultMessageReceived() {
        CURRENT.get().resultMessages++;
    }

    static JdbcThreadState current() {
        return CURRENT.get();
    }

    /** True when this call is Lifeline's own re-invocation and must run the original body. */
    boolean consumeRunOriginal() {
        if (runOriginalNext) {
            runOriginalNext = false;
            return true;
        }
        return false;
    }
}

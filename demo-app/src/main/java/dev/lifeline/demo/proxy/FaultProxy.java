package dev.lifeline.demo.proxy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fault-injecting TCP proxy between an application and a real server, driven from code
 * (Toxiproxy's toxics are the model). It stands in on Linux for the failures Lifeline exists for:
 * connection resets (WinError 10054), poolers refusing clients byte for byte, idle-connection
 * kills, slow networks.
 *
 * <p>Every fault can be switched at any time from any thread. Plain daemon threads: one accept
 * thread, one per direction per connection, one timer for idle checks and timed faults.
 */
public final class FaultProxy implements AutoCloseable {

    private static final String LOOPBACK = "127.0.0.1";
    private static final long IDLE_CHECK_MILLIS = 50;
    private static final long JOIN_TIMEOUT_MILLIS = 5_000;

    private final String upstreamHost;
    private final int upstreamPort;
    private final ServerSocket server;
    private final String threadPrefix;
    private final Faults faults = new Faults();
    private final ScheduledExecutorService timer;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final Set<Socket> refusing = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong resets = new AtomicLong();
    private final AtomicLong linkIds = new AtomicLong();
    /** Bumped by every refuseConnections call, so an older refuseConnectionsFor timer does nothing. */
    private final AtomicLong refuseGeneration = new AtomicLong();
    private volatile boolean closed;

    private FaultProxy(String upstreamHost, int upstreamPort, ServerSocket server) {
        this.upstreamHost = upstreamHost;
        this.upstreamPort = upstreamPort;
        this.server = server;
        this.threadPrefix = "fault-proxy-" + server.getLocalPort();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadPrefix + "-timer");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts a proxy to upstreamHost:upstreamPort listening on 127.0.0.1, on an ephemeral port. */
    public static FaultProxy start(String upstreamHost, int upstreamPort) throws IOException {
        ServerSocket server = new ServerSocket();
        try {
            server.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), 0), 1024);
        } catch (IOException e) {
            server.close();
            throw e;
        }
        FaultProxy proxy = new FaultProxy(upstreamHost, upstreamPort, server);
        proxy.timer.scheduleWithFixedDelay(proxy::closeIdleLinks,
                IDLE_CHECK_MILLIS, IDLE_CHECK_MILLIS, TimeUnit.MILLISECONDS);
        proxy.startThread(proxy.threadPrefix + "-accept", proxy::acceptLoop);
        return proxy;
    }

    public int port() {
        return server.getLocalPort();
    }

    public String host() {
        return LOOPBACK;
    }

    // ---------------------------------------------------------------------------------- faults

    /** While on, new connections are accepted and reset (RST) before anything is read. */
    public void refuseConnections(boolean on) {
        refuseGeneration.incrementAndGet();
        faults.refuseConnections = on;
    }

    /** Refuses new connections now, and stops by itself after {@code d}. */
    public void refuseConnectionsFor(Duration d) {
        long generation = refuseGeneration.incrementAndGet();
        faults.refuseConnections = true;
        timer.schedule(() -> {
            if (refuseGeneration.get() == generation) {
                faults.refuseConnections = false;
            }
        }, d.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** RSTs every open connection, both sides. */
    public void resetAll() {
        for (Link link : links) {
            link.resetByFault();
        }
    }

    /**
     * The WinError 10054 stand-in: while on, a reused connection is reset (RST, both sides) when
     * its client sends its next bytes, and those bytes are not forwarded. "Reused" means the
     * connection already existed when this was switched on, or it had been idle for at least
     * 100 ms before the client spoke, so logins in progress are spared.
     */
    public void resetOnNextClientBytes(boolean on) {
        faults.resetOnNextClientBytes = on;
        for (Link link : links) {
            link.armForNextClientBytes(on);
        }
    }

    /**
     * One-shot: the next client-to-server chunk containing {@code asciiMarker} is forwarded, the
     * server's reply withheld, and after ~50 ms (the server has run it) both sides are reset.
     * {@code null} clears.
     */
    public void resetAfterForwarding(String asciiMarker) {
        faults.resetAfterForwarding.set(asciiMarker);
    }

    /** One-shot: the next chunk containing {@code asciiMarker} resets both sides unforwarded. */
    public void resetBeforeForwarding(String asciiMarker) {
        faults.resetBeforeForwarding.set(asciiMarker);
    }

    /** Connections without traffic either way for longer than {@code idle} are reset; null or 0 = off. */
    public void closeIdleAfter(Duration idle) {
        faults.closeIdleAfterNanos = idle == null || idle.isNegative() ? 0 : idle.toNanos();
    }

    /**
     * At most {@code max} concurrent upstream connections; clients beyond it get the
     * {@code refusal}'s FATAL ErrorResponse and are closed. {@code max <= 0} = off.
     */
    public void limitConnections(int max, Refusal refusal) {
        if (max > 0 && refusal == null) {
            throw new IllegalArgumentException("limitConnections(" + max + ", null): a refusal is needed");
        }
        if (refusal != null) {
            faults.refusal = refusal;
        }
        faults.maxConnections = Math.max(0, max);
    }

    /** Added before forwarding each chunk, both directions; null or 0 = off. */
    public void latency(Duration perChunk) {
        faults.latencyNanos = perChunk == null || perChunk.isNegative() ? 0 : perChunk.toNanos();
    }

    /** Switches every fault off. Connections already reset stay reset. */
    public void clearFaults() {
        refuseGeneration.incrementAndGet();
        faults.clear();
        for (Link link : links) {
            link.armForNextClientBytes(false);
        }
    }

    // ---------------------------------------------------------------------------- observations

    /** Connections from upstream connect (slot taken at accept) until either side is closed. */
    public int openConnections() {
        return open.get();
    }

    public int peakOpenConnections() {
        return peak.get();
    }

    /** Starts peak counting again from the connections open now. */
    public void resetPeak() {
        peak.set(open.get());
    }

    /** Every client connection accepted, refused ones included. */
    public long acceptedTotal() {
        return accepted.get();
    }

    /** Clients refused by refuseConnections or limitConnections. */
    public long refusedTotal() {
        return refused.get();
    }

    /** Connections reset by a fault (resetAll, resetOnNextClientBytes, the markers, closeIdleAfter). */
    public long resetTotal() {
        return resets.get();
    }

    /** Stops accepting, RSTs every connection, and waits for every proxy thread to end. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // accept thread ends either way
        }
        timer.shutdownNow();
        // Threads can still start a moment after the first pass (a link's reply pump): repeat.
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(JOIN_TIMEOUT_MILLIS);
        while (!threads.isEmpty() && System.nanoTime() < deadline) {
            for (Link link : links) {
                link.abort();
            }
            for (Socket s : refusing) {
                Link.rst(s);
            }
            for (Thread t : new ArrayList<>(threads)) {
                t.interrupt();
                try {
                    t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        try {
            timer.awaitTermination(JOIN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "FaultProxy[" + LOOPBACK + ":" + port() + " -> " + upstreamHost + ":" + upstreamPort + "]";
    }

    // ------------------------------------------------------------------------------- internals

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue; // e.g. too many open files: keep serving the others
            }
            accepted.incrementAndGet();
            if (closed) {
                Link.rst(client);
                return;
            }
            if (faults.refuseConnections) {
                refused.incrementAndGet();
                Link.rst(client);
            } else if (takeSlot()) {
                Link link = new Link(this, faults, client, threadPrefix + "-" + linkIds.incrementAndGet());
                links.add(link);
                startThread(link + "-up", () -> link.run(upstreamHost, upstreamPort));
            } else {
                refused.incrementAndGet();
                refuse(client, faults.refusal, faults.maxConnections);
            }
        }
    }

    /** Takes one open-connection slot unless the limit is reached. */
    private boolean takeSlot() {
        while (true) {
            int current = open.get();
            int max = faults.maxConnections;
            if (max > 0 && current >= max) {
                return false;
            }
            if (open.compareAndSet(current, current + 1)) {
                peak.accumulateAndGet(current + 1, Math::max);
                return true;
            }
        }
    }

    private void refuse(Socket client, Refusal refusal, int max) {
        refusing.add(client);
        startThread(threadPrefix + "-refuse-" + linkIds.incrementAndGet(), () -> {
            try {
                PgRefusal.refuse(client, refusal.sqlState(), refusal.message(max));
            } catch (IOException e) {
                Link.rst(client); // not a PostgreSQL client, or gone: nothing more to tell it
            } finally {
                refusing.remove(client);
            }
        });
    }

    private void closeIdleLinks() {
        long limit = faults.closeIdleAfterNanos;
        if (limit <= 0) {
            return;
        }
        for (Link link : links) {
            if (link.idleNanos() > limit) {
                link.resetByFault();
            }
        }
    }

    void linkClosed(Link link) {
        if (links.remove(link)) {
            open.decrementAndGet();
        }
    }

    void countReset() {
        resets.incrementAndGet();
    }

    void startThread(String name, Runnable body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } finally {
                threads.remove(Thread.currentThread());
            }
        }, name);
        t.setDaemon(true);
        threads.add(t); // before the check: close() either sees this thread or we see closed
        if (closed) {
            threads.remove(t); // the caller's link gets its RST from close()
            return;
        }
        t.start();
    }

    /** How a pooler or server says it is full; the messages are the servers' own, byte for byte. */
    public enum Refusal {
        /** PostgreSQL itself at max_connections. */
        POSTGRES_TOO_MANY_CLIENTS("53300") {
            @Override
            public String message(int max) {
                return "sorry, too many clients already";
            }
        },
        /** Supavisor in session mode, client count at pool_size (the Supabase incident). */
        SUPAVISOR_SESSION_MODE("XX000") {
            @Override
            public String message(int max) {
                return "(EMAXCONNSESSION) max clients reached in session mode"
                        + " - max clients are limited to pool_size: " + max;
            }
        },
        /** Supavisor's tenant-wide client connection limit. */
        SUPAVISOR_MAX_CONN("XX000") {
            @Override
            public String message(int max) {
                return "(EMAXCONN) max client connections reached, limit: " + max;
            }
        },
        /** Supavisor before the error codes were added. */
        SUPAVISOR_LEGACY_SESSION_MODE("XX000") {
            @Override
            public String message(int max) {
                return "MaxClientsInSessionMode: max clients reached"
                        + " - in Session mode max clients are limited to pool_size";
            }
        },
        /** PgBouncer at max_client_conn. */
        PGBOUNCER_MAX_CLIENT_CONN("08P01") {
            @Override
            public String message(int max) {
                return "no more connections allowed (max_client_conn)";
            }
        };

        private final String sqlState;

        Refusal(String sqlState) {
            this.sqlState = sqlState;
        }

        public String sqlState() {
            return sqlState;
        }

        public abstract String message(int max);
    }
}

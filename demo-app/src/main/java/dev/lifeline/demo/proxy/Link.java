package dev.lifeline.demo.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One proxied connection: the client's socket, the upstream socket, and one pump thread per
 * direction. It holds one slot of the proxy's open-connection count from creation until it
 * closes, whichever way that happens (both sides done, a fault's RST, or the proxy closing).
 */
final class Link {

    /**
     * A connection that sat this long without traffic before the client speaks again counts as
     * "reused" for {@link FaultProxy#resetOnNextClientBytes}: long enough that a login handshake
     * is never hit, short enough that a pooled connection taken out again is.
     */
    static final long REUSED_AFTER_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** How long the server gets to run a forwarded statement before the RST of resetAfterForwarding. */
    static final long RESET_AFTER_FORWARDING_MILLIS = 50;
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final int BUFFER_SIZE = 16 * 1024;

    private final FaultProxy proxy;
    private final Faults faults;
    private final Socket client;
    private final String name;
    private volatile Socket upstream;
    private volatile long lastActivityNanos = System.nanoTime();
    /** Set on links that exist when resetOnNextClientBytes is switched on: their next bytes trip it. */
    private volatile boolean armedForNextClientBytes;
    /** Set once a statement was forwarded that will be answered with an RST: replies are dropped. */
    private volatile boolean dropReplies;
    private final AtomicInteger directionsDone = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    Link(FaultProxy proxy, Faults faults, Socket client, String name) {
        this.proxy = proxy;
        this.faults = faults;
        this.client = client;
        this.name = name;
    }

    /** Runs on the link's first thread: connect upstream, start the reply pump, pump requests. */
    void run(String upstreamHost, int upstreamPort) {
        Socket up = new Socket();
        try {
            up.setTcpNoDelay(true);
            client.setTcpNoDelay(true);
            up.connect(new InetSocketAddress(upstreamHost, upstreamPort), CONNECT_TIMEOUT_MILLIS);
        } catch (IOException e) {
            upstream = up;
            abort();
            return;
        }
        upstream = up;
        if (closed.get()) { // reset or proxy closed while connecting; rst() may not have seen it
            rst(up);
            return;
        }
        touch();
        proxy.startThread(name + "-down", this::pumpServerToClient);
        pumpClientToServer();
    }

    private void pumpClientToServer() {
        byte[] buf = new byte[BUFFER_SIZE];
        try {
            InputStream in = client.getInputStream();
            OutputStream out = upstream.getOutputStream();
            while (true) {
                int n = in.read(buf);
                if (n < 0) {
                    upstream.shutdownOutput();
                    break;
                }
                long idleNanos = System.nanoTime() - lastActivityNanos;
                touch();
                if (faults.resetOnNextClientBytes
                        && (armedForNextClientBytes || idleNanos >= REUSED_AFTER_IDLE_NANOS)) {
                    resetByFault();
                    return;
                }
                boolean resetAfter = false;
                if (faults.hasMarkers()) {
                    if (Faults.take(faults.resetBeforeForwarding, buf, n)) {
                        resetByFault();
                        return;
                    }
                    resetAfter = Faults.take(faults.resetAfterForwarding, buf, n);
                    // The client must not see the server's answer, or it would not fail at all.
                    dropReplies = resetAfter;
                }
                delay();
                out.write(buf, 0, n);
                out.flush();
                if (resetAfter) {
                    Thread.sleep(RESET_AFTER_FORWARDING_MILLIS);
                    resetByFault();
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            abort();
            return;
        }
        directionDone();
    }

    private void pumpServerToClient() {
        byte[] buf = new byte[BUFFER_SIZE];
        try {
            InputStream in = upstream.getInputStream();
            OutputStream out = client.getOutputStream();
            while (true) {
                int n = in.read(buf);
                if (n < 0) {
                    client.shutdownOutput();
                    break;
                }
                touch();
                if (dropReplies) {
                    continue;
                }
                delay();
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            abort();
            return;
        }
        directionDone();
    }

    private void delay() throws InterruptedException {
        long nanos = faults.latencyNanos;
        if (nanos > 0) {
            TimeUnit.NANOSECONDS.sleep(nanos);
        }
    }

    private void touch() {
        lastActivityNanos = System.nanoTime();
    }

    long idleNanos() {
        return System.nanoTime() - lastActivityNanos;
    }

    void armForNextClientBytes(boolean on) {
        armedForNextClientBytes = on;
    }

    /** Both directions reached end-of-stream and passed it on: an orderly close. */
    private void directionDone() {
        if (directionsDone.incrementAndGet() == 2 && closed.compareAndSet(false, true)) {
            closeQuietly(client);
            closeQuietly(upstream);
            proxy.linkClosed(this);
        }
    }

    /** A fault: RST both sides now, counted in resetTotal. */
    void resetByFault() {
        if (rst()) {
            proxy.countReset();
        }
    }

    /** An I/O error on either side, or the proxy closing: RST both sides, not counted as a fault. */
    void abort() {
        rst();
    }

    private boolean rst() {
        if (!closed.compareAndSet(false, true)) {
            return false;
        }
        rst(client);
        Socket up = upstream;
        if (up != null) {
            rst(up);
        }
        proxy.linkClosed(this);
        return true;
    }

    /** SO_LINGER 0 then close: the kernel sends an RST instead of a FIN. */
    static void rst(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // already closed
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        if (socket == null) {
            return;
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }

    @Override
    public String toString() {
        return name;
    }
}

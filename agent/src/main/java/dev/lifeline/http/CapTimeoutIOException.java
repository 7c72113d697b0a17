package dev.lifeline.http;

import java.io.IOException;

/**
 * A request waited its {@code lifeline.http.acquireTimeout} under a cap and got no slot. Never
 * retried: the caps exist to bound waiting, and a retry would wait again.
 */
final class CapTimeoutIOException extends IOException {

    private static final long serialVersionUID = 1L;

    CapTimeoutIOException(String target, String capName, int max, long waitedNanos) {
        super("lifeline: no slot for " + target + " under the " + capName + " cap of " + max
                + " requests in flight after waiting " + waitedNanos / 1_000_000 + " ms"
                + " (lifeline.http.acquireTimeout; raise lifeline.http." + (capName.equals("per-host")
                ? "maxConnectionsPerHost" : "maxConnections") + " or the timeout)");
    }
}

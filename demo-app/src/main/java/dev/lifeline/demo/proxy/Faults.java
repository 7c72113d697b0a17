package dev.lifeline.demo.proxy;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The faults currently switched on, read by every {@link Link} on each chunk. Each field is
 * volatile or atomic so that any thread may switch a fault at any time; the one-shot markers are
 * taken with compare-and-set so exactly one chunk trips each.
 */
final class Faults {

    volatile boolean refuseConnections;
    volatile boolean resetOnNextClientBytes;
    volatile long latencyNanos;
    volatile long closeIdleAfterNanos;
    volatile int maxConnections;
    volatile FaultProxy.Refusal refusal = FaultProxy.Refusal.POSTGRES_TOO_MANY_CLIENTS;
    final AtomicReference<String> resetAfterForwarding = new AtomicReference<>();
    final AtomicReference<String> resetBeforeForwarding = new AtomicReference<>();

    boolean hasMarkers() {
        return resetAfterForwarding.get() != null || resetBeforeForwarding.get() != null;
    }

    /** True, and the marker cleared, when this chunk is the one that trips it. */
    static boolean take(AtomicReference<String> marker, byte[] chunk, int length) {
        String m = marker.get();
        if (m == null) {
            return false;
        }
        // ISO-8859-1 maps each byte to one char, so an ASCII marker matches wherever its bytes are.
        String text = new String(chunk, 0, length, StandardCharsets.ISO_8859_1);
        return text.contains(m) && marker.compareAndSet(m, null);
    }

    void clear() {
        refuseConnections = false;
        resetOnNextClientBytes = false;
        latencyNanos = 0;
        closeIdleAfterNanos = 0;
        maxConnections = 0;
        resetAfterForwarding.set(null);
        resetBeforeForwarding.set(null);
    }
}

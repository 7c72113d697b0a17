package dev.lifeline.bench;

import java.util.Arrays;

/**
 * Per-call latencies of one thread, in nanoseconds, in a preallocated array: recording is a store
 * and an increment, so the recorder itself adds nothing the agents could be blamed for.
 */
final class LatencyRecorder {

    private final long[] nanos;
    private int count;
    private long dropped;

    LatencyRecorder(int capacity) {
        this.nanos = new long[capacity];
    }

    void record(long elapsedNanos) {
        if (count < nanos.length) {
            nanos[count++] = elapsedNanos;
        } else {
            dropped++;
        }
    }

    /** Calls seen, including those beyond the capacity (counted for throughput, not for percentiles). */
    long calls() {
        return count + dropped;
    }

    /** All recorded latencies of several threads, sorted. */
    static long[] sortedUnion(Iterable<LatencyRecorder> recorders) {
        int total = 0;
        for (LatencyRecorder r : recorders) {
            total += r.count;
        }
        long[] all = new long[total];
        int at = 0;
        for (LatencyRecorder r : recorders) {
            System.arraycopy(r.nanos, 0, all, at, r.count);
            at += r.count;
        }
        Arrays.sort(all);
        return all;
    }
}

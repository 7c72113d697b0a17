package dev.lifeline.retry;

import java.util.concurrent.locks.LockSupport;

/** Waits between attempts; a seam so tests need not wait. */
@FunctionalInterface
public interface Sleeper {

    void sleepNanos(long nanos) throws InterruptedException;

    /**
     * Parks only the calling thread, never inside a monitor: a virtual thread unmounts instead of
     * pinning its carrier. An interrupt ends the wait (flag cleared, as {@link Thread#sleep} does).
     */
    Sleeper PARKING = nanos -> {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        long end = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = end - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    };
}

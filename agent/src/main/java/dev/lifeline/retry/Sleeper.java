package dev.lifeline.retry;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits between attempts; a seam so tests need not wait. */
@FunctionalInterface
public interface Sleeper {

    void sleepNanos(long nanos) throws InterruptedException;

    /**
     * Waits up to {@code nanos}, or less once {@code wakeUp} turns true (checked whenever the thread
     * is unparked). Returns the time that was left when woken, 0 when the whole wait passed. A
     * sleeper that cannot be woken (the default, and test fakes) sleeps the whole wait.
     */
    default long sleepNanos(long nanos, BooleanSupplier wakeUp) throws InterruptedException {
        sleepNanos(nanos);
        return 0;
    }

    /**
     * Parks only the calling thread, never inside a monitor: a virtual thread unmounts instead of
     * pinning its carrier. An interrupt ends the wait (flag cleared, as {@link Thread#sleep} does).
     */
    Sleeper PARKING = new Sleeper() {
        @Override
        public void sleepNanos(long nanos) throws InterruptedException {
            sleepNanos(nanos, () -> false);
        }

        @Override
        public long sleepNanos(long nanos, BooleanSupplier wakeUp) throws InterruptedException {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            long end = System.nanoTime() + nanos;
            for (long left = nanos; left > 0; left = end - System.nanoTime()) {
                if (wakeUp.getAsBoolean()) {
                    return left;
                }
                LockSupport.parkNanos(left);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
            return 0;
        }
    };
}

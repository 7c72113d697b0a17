package dev.lifeline.demo.workload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * A point where a workload waits for its test: the test acts from outside (terminates a backend,
 * counts sessions, reads {@code /health}) and then creates the file, and the workload goes on.
 * The workload itself stays an ordinary program; a missing gate argument means "go on at once".
 */
public final class Gate {

    private static final long POLL_MILLIS = 20;

    private Gate() {
    }

    /** Waits until {@code path} exists or {@code timeoutMillis} has passed; false on timeout. */
    public static boolean await(String path, long timeoutMillis) throws InterruptedException {
        if (path == null || path.isEmpty()) {
            return true;
        }
        Path file = Paths.get(path);
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (!Files.exists(file)) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(POLL_MILLIS);
        }
        return true;
    }
}

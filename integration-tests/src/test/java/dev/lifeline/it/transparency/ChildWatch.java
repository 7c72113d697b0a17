package dev.lifeline.it.transparency;

import dev.lifeline.demo.run.ChildJvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.fail;

/** Follows a running child from outside: waits for a line it prints, then lets it go on through a gate file. */
final class ChildWatch {

    private ChildWatch() {
    }

    /** The first complete stdout line starting with {@code prefix}, waiting up to {@code timeoutSeconds}. */
    static String awaitLine(ChildJvm.Running child, String prefix, long timeoutSeconds) throws Exception {
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        while (System.nanoTime() - deadline < 0) {
            for (String line : child.stdoutSoFar()) {
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
            if (!child.isAlive()) {
                // it may have printed the line just before it ended
                for (String line : child.stdoutSoFar()) {
                    if (line.startsWith(prefix)) {
                        return line;
                    }
                }
                return fail("the child ended without printing '" + prefix + "':\n" + child.peek());
            }
            Thread.sleep(20);
        }
        return fail("no '" + prefix + "' line within " + timeoutSeconds + " s:\n" + child.peek());
    }

    static void open(Path gate) throws IOException {
        Files.createDirectories(gate.getParent());
        if (!Files.exists(gate)) {
            Files.createFile(gate);
        }
    }
}

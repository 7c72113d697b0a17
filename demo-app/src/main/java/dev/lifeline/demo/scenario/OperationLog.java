package dev.lifeline.demo.scenario;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a demo workload (the application, in its child JVM) saw, written to files in the run's
 * directory for the demo to read: every operation ({@code samples.txt}: start offset, latency,
 * outcome), every write the application was told succeeded ({@code acks.txt}), a live
 * {@code progress.txt}, and the errors it caught, by kind ({@code errors.txt}).
 *
 * <p>Only what the application itself can observe is recorded: the agent, when attached, is
 * invisible to this code.
 */
final class OperationLog implements AutoCloseable {

    private final Path dir;
    private final long begin = System.nanoTime();
    private final ConcurrentLinkedQueue<String> samples = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> acks = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();
    private final LongAdder done = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder suppressed = new LongAdder();
    private final ScheduledExecutorService progress;

    OperationLog(String dir) {
        this.dir = Paths.get(dir);
        this.progress = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "progress");
            t.setDaemon(true);
            return t;
        });
        progress.scheduleAtFixedRate(this::writeProgress, 200, 200, TimeUnit.MILLISECONDS);
    }

    long now() {
        return System.nanoTime();
    }

    void ok(long startNanos, boolean write, String ackedId) {
        record(startNanos, true, write);
        if (ackedId != null) {
            acks.add(ackedId);
        }
    }

    void failed(long startNanos, boolean write, Throwable error) {
        record(startNanos, false, write);
        failed.increment();
        // Earlier attempts attached by a retrying layer are the retries the application can see.
        suppressed.add(error.getSuppressed().length);
        if (failed.sum() <= 3) {
            System.out.println("FAILURE type=" + error.getClass().getName() + " suppressed=" + error.getSuppressed().length
                    + " message=" + String.valueOf(error.getMessage()).replace('\n', ' '));
            error.printStackTrace(); // the run's stderr.txt keeps the first few in full
        }
        String state = error instanceof SQLException ? " SQLState " + ((SQLException) error).getSQLState() : "";
        String message = String.valueOf(error.getMessage()).replace('\n', ' ').replace('\r', ' ');
        if (message.length() > 160) {
            message = message.substring(0, 160) + "...";
        }
        errors.computeIfAbsent(error.getClass().getSimpleName() + state + ": " + message, k -> new AtomicInteger())
                .incrementAndGet();
    }

    /** An operation the application counts as failed without an exception (an HTTP 500). */
    void failed(long startNanos, boolean write, String what) {
        record(startNanos, false, write);
        failed.increment();
        errors.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
    }

    private void record(long startNanos, boolean ok, boolean write) {
        long end = System.nanoTime();
        samples.add((startNanos - begin) / 1_000_000 + " " + (end - startNanos) / 1_000 + " " + (ok ? 1 : 0) + " " + (write ? 1 : 0));
        done.increment();
    }

    private void writeProgress() {
        try {
            Path tmp = dir.resolve("progress.tmp");
            Files.write(tmp, (done.sum() + " " + failed.sum() + "\n").getBytes(StandardCharsets.US_ASCII));
            Files.move(tmp, dir.resolve("progress.txt"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException ignored) {
            // progress is cosmetic
        }
    }

    @Override
    public void close() throws IOException {
        progress.shutdownNow();
        writeProgress();
        Files.write(dir.resolve("samples.txt"), String.join("\n", samples).getBytes(StandardCharsets.US_ASCII));
        Files.write(dir.resolve("acks.txt"), String.join("\n", acks).getBytes(StandardCharsets.US_ASCII));
        StringBuilder text = new StringBuilder();
        errors.entrySet().stream()
                .sorted((a, b) -> b.getValue().get() - a.getValue().get())
                .forEach(e -> text.append(e.getValue().get()).append('\t').append(e.getKey()).append('\n'));
        Files.write(dir.resolve("errors.txt"), text.toString().getBytes(StandardCharsets.UTF_8));
        System.out.println("RESULT ops=" + done.sum() + " failed=" + failed.sum() + " suppressed=" + suppressed.sum()
                + " elapsedMs=" + (System.nanoTime() - begin) / 1_000_000);
        System.out.flush();
    }
}

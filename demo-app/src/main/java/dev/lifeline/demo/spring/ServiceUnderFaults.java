package dev.lifeline.demo.spring;

import dev.lifeline.demo.db.Database;
import dev.lifeline.demo.run.ChildJvm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Starts the Spring Boot service (without or with the agent), drives it through a list of phases,
 * each with its own fault, and stops it: the harness the integration test and demo scenario 6 share.
 */
public final class ServiceUnderFaults {

    /** After a restart schedule, the clients go on this long against the recovered server. */
    private static final long TAIL_AFTER_FAULT_NANOS = 2_000_000_000L;
    /** Between two phases, no load: the pool settles and the next phase starts from a service at rest. */
    private static final long SETTLE_MILLIS = 1_000;

    /** One run of the service through all phases. */
    public static final class Run {
        public final boolean agent;
        public final String label;
        public final List<PhaseResult> phases;
        /** Everything the service printed (its log), once it was stopped. */
        public final ChildJvm.Result serviceOutput;
        public final long startupMillis;

        Run(boolean agent, String label, List<PhaseResult> phases, ChildJvm.Result serviceOutput, long startupMillis) {
            this.agent = agent;
            this.label = label;
            this.phases = Collections.unmodifiableList(phases);
            this.serviceOutput = serviceOutput;
            this.startupMillis = startupMillis;
        }

        public PhaseResult phase(String name) {
            for (PhaseResult p : phases) {
                if (p.phase.name.equals(name)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("no phase " + name);
        }

        /** Lines where HikariCP says it evicted a connection because of the error that reached it. */
        public List<String> hikariEvictions() {
            List<String> lines = new ArrayList<>();
            for (String line : serviceOutput.stdout) {
                if (line.contains("marked as broken because of SQLSTATE")) {
                    lines.add(line);
                }
            }
            return lines;
        }

        /**
         * Writes the service's log ({@code service-stdout.txt}, {@code service-stderr.txt}) and every failed
         * request with all the service said about it ({@code failures.txt}) into {@code dir}.
         */
        public void writeTo(Path dir) throws IOException {
            Files.createDirectories(dir);
            Files.write(dir.resolve("service-stdout.txt"), serviceOutput.stdout, StandardCharsets.UTF_8);
            Files.write(dir.resolve("service-stderr.txt"), serviceOutput.stderr, StandardCharsets.UTF_8);
            StringBuilder text = new StringBuilder(describe()).append("\n");
            for (PhaseResult p : phases) {
                List<ServiceLoad.Request> slowest = new ArrayList<>(p.requests);
                slowest.sort((a, b) -> Long.compare(b.endNanos - b.startNanos, a.endNanos - a.startNanos));
                text.append("\nphase ").append(p.phase.name).append(", slowest requests:");
                for (ServiceLoad.Request r : slowest.subList(0, Math.min(5, slowest.size()))) {
                    text.append(String.format(Locale.ROOT, " %s %s at %.3f s took %.0f ms;", r.kind, r.ok() ? "ok" : "failed",
                            (r.startNanos - p.startNanos) / 1e9, (r.endNanos - r.startNanos) / 1e6));
                }
            }
            text.append("\n");
            for (PhaseResult p : phases) {
                for (ServiceLoad.Request r : p.failed()) {
                    text.append(String.format(Locale.ROOT, "%n=== phase %s, %s %s, started at %.3f s, took %.0f ms%s%n%s%n",
                            p.phase.name, r.kind, r.key == null ? "" : r.key, (r.startNanos - p.startNanos) / 1e9,
                            (r.endNanos - r.startNanos) / 1e6, p.inFlightAtAStop(r) ? ", in flight at a stop" : "", r.error));
                }
            }
            Files.write(dir.resolve("failures.txt"), text.toString().getBytes(StandardCharsets.UTF_8));
        }

        public String describe() {
            StringBuilder text = new StringBuilder((agent ? "with" : "without") + " the agent (service started in "
                    + startupMillis + " ms, HikariCP evictions logged: " + hikariEvictions().size() + ")");
            for (PhaseResult p : phases) {
                text.append('\n').append(p.describe());
            }
            return text.toString();
        }
    }

    private ServiceUnderFaults() {
    }

    /**
     * @param jvm    the service's JVM: {@code ChildJvm.withoutAgent()} or {@code withAgent(...)}
     * @param label  distinguishes this run's sessions (application_name) and orders (keys) from others
     * @param report gets each phase's result as it ends
     */
    public static Run run(Database database, ChildJvm jvm, boolean agent, String label, List<Phase> phases, int threads,
                          long seed, Consumer<PhaseResult> report) throws Exception {
        String applicationName = "orders-" + label;
        String url = database.url() + "&ApplicationName=" + applicationName;
        long begin = System.nanoTime();
        SpringService service = SpringService.start(jvm, url, "postgres", 180);
        long startupMillis = (System.nanoTime() - begin) / 1_000_000;
        List<PhaseResult> results = new ArrayList<>();
        ChildJvm.Result output;
        try {
            ServiceLoad load = new ServiceLoad(service);
            int n = 0;
            for (Phase phase : phases) {
                PhaseResult result = runPhase(database, service, load, phase, label + "-" + phase.name, applicationName,
                        threads, seed + 1000L * n++);
                results.add(result);
                report.accept(result);
                Thread.sleep(SETTLE_MILLIS);
            }
        } finally {
            output = service.stop();
        }
        return new Run(agent, label, results, output, startupMillis);
    }

    private static PhaseResult runPhase(Database database, SpringService service, ServiceLoad load, Phase phase, String keyPrefix,
                                        String applicationName, int threads, long seed) throws Exception {
        Fault.Log log = new Fault.Log();
        AtomicBoolean stopFault = new AtomicBoolean();
        AtomicLong faultDoneAt = new AtomicLong();
        AtomicReference<Throwable> faultFailure = new AtomicReference<>();
        Thread faulting = new Thread(() -> {
            try {
                phase.fault.inject(database, applicationName, log, stopFault);
            } catch (Throwable e) {
                faultFailure.set(e);
            } finally {
                faultDoneAt.set(System.nanoTime());
            }
        }, "fault-" + phase.name);
        long start = System.nanoTime();
        long end = start + phase.duration.toNanos();
        boolean waitForFault = phase.fault.runsToCompletion();
        faulting.start();
        List<ServiceLoad.Request> requests;
        try {
            requests = load.run(keyPrefix, threads, phase.pauseMin.toMillis(), phase.pauseMax.toMillis(), phase.arrivalEvery.toMillis(),
                    seed, () -> {
                long now = System.nanoTime();
                if (now < end) {
                    return false;
                }
                if (!waitForFault || faultFailure.get() != null) {
                    return true;
                }
                long done = faultDoneAt.get();
                return done != 0 && now >= done + TAIL_AFTER_FAULT_NANOS;
            });
        } finally {
            stopFault.set(true);
            faulting.join();
        }
        long finished = System.nanoTime();
        if (faultFailure.get() != null) {
            throw new IllegalStateException("the fault '" + phase.fault.description() + "' failed: " + faultFailure.get(),
                    faultFailure.get());
        }
        return new PhaseResult(phase, requests, log, WriteAudit.check(database, keyPrefix, requests), start, finished);
    }
}

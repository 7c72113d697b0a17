package dev.lifeline.demo.spring;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What the clients saw during one phase, what the fault did, and what the database holds. */
public final class PhaseResult {

    public final Phase phase;
    public final List<ServiceLoad.Request> requests;
    public final Fault.Log faults;
    public final WriteAudit audit;
    public final long startNanos;
    public final long endNanos;

    PhaseResult(Phase phase, List<ServiceLoad.Request> requests, Fault.Log faults, WriteAudit audit, long startNanos, long endNanos) {
        this.phase = phase;
        this.requests = requests;
        this.faults = faults;
        this.audit = audit;
        this.startNanos = startNanos;
        this.endNanos = endNanos;
    }

    public List<ServiceLoad.Request> of(ServiceLoad.Kind kind) {
        List<ServiceLoad.Request> matching = new ArrayList<>();
        for (ServiceLoad.Request r : requests) {
            if (r.kind == kind) {
                matching.add(r);
            }
        }
        return matching;
    }

    public List<ServiceLoad.Request> failed(ServiceLoad.Kind kind) {
        List<ServiceLoad.Request> failed = new ArrayList<>();
        for (ServiceLoad.Request r : of(kind)) {
            if (!r.ok()) {
                failed.add(r);
            }
        }
        return failed;
    }

    public List<ServiceLoad.Request> failed() {
        List<ServiceLoad.Request> failed = new ArrayList<>();
        for (ServiceLoad.Request r : requests) {
            if (!r.ok()) {
                failed.add(r);
            }
        }
        return failed;
    }

    /** Reads of either kind: the repository's read-only transactions and the JdbcTemplate report. */
    public List<ServiceLoad.Request> failedReads() {
        List<ServiceLoad.Request> failed = failed(ServiceLoad.Kind.READ);
        failed.addAll(failed(ServiceLoad.Kind.QUERY));
        return failed;
    }

    /** Requests that started while the server was down (after its stop completed, before it was up again). */
    public List<ServiceLoad.Request> startedWhileDown() {
        List<ServiceLoad.Request> matching = new ArrayList<>();
        for (ServiceLoad.Request r : requests) {
            for (Fault.Outage o : faults.outages()) {
                if (r.startedIn(o.downNanos, o.upNanos)) {
                    matching.add(r);
                }
            }
        }
        return matching;
    }

    /** The request was under way while the server was being stopped: its transaction may have been cut. */
    public boolean inFlightAtAStop(ServiceLoad.Request r) {
        for (Fault.Outage o : faults.outages()) {
            if (r.overlaps(o.stopRequestedNanos, o.downNanos + 1)) {
                return true;
            }
        }
        return false;
    }

    /** Failures counted by what they said (outermost and innermost exception), most frequent first. */
    public Map<String, Integer> failureKinds() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (ServiceLoad.Request r : failed()) {
            counts.merge(r.kind + " " + (r.status == 0 ? "" : r.status + " ") + r.cause().summary(), 1, Integer::sum);
        }
        Map<String, Integer> sorted = new LinkedHashMap<>();
        counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /** One short line: requests, failures by kind, what the fault did. */
    public String brief() {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%s: %d requests, %d failed (read %d, write %d, query %d)",
                phase.name, requests.size(), failed().size(), failed(ServiceLoad.Kind.READ).size(),
                failed(ServiceLoad.Kind.WRITE).size(), failed(ServiceLoad.Kind.QUERY).size()));
        if (faults.backendsTerminated() > 0) {
            text.append(", ").append(faults.backendsTerminated()).append(" sessions ended");
        }
        for (Fault.Outage o : faults.outages()) {
            text.append(String.format(Locale.ROOT, ", server down %.1f s (%d requests started then, %d failed)",
                    (o.upNanos - o.downNanos) / 1e9, startedIn(o.downNanos, o.upNanos, false), startedIn(o.downNanos, o.upNanos, true)));
        }
        return text.toString();
    }

    /** One line of counts per phase, then the kinds of failures. */
    public String describe() {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
                "%-10s %5d requests: read %d/%d failed, write %d/%d failed, query %d/%d failed; latency p50 %.0f ms, max %.0f ms; "
                        + "%s; %d faults (%s); %s; %.1f s",
                phase.name, requests.size(),
                failed(ServiceLoad.Kind.READ).size(), of(ServiceLoad.Kind.READ).size(),
                failed(ServiceLoad.Kind.WRITE).size(), of(ServiceLoad.Kind.WRITE).size(),
                failed(ServiceLoad.Kind.QUERY).size(), of(ServiceLoad.Kind.QUERY).size(),
                latencyMillis(50), latencyMillis(100), audit, faults.faultsInjected(), phase.fault.description(), outageText(), (endNanos - startNanos) / 1e9));
        int names = 0;
        int masked = 0;
        for (ServiceLoad.Request r : failed()) {
            FailureCause cause = r.cause();
            names += cause.namesItsCause() ? 1 : 0;
            masked += cause.maskedByRollback ? 1 : 0;
        }
        if (!failed().isEmpty()) {
            text.append(String.format(Locale.ROOT, "%n           failures naming their cause: %d of %d (hidden behind a failed rollback: %d)",
                    names, failed().size(), masked));
        }
        for (Map.Entry<String, Integer> kind : failureKinds().entrySet()) {
            text.append(String.format(Locale.ROOT, "%n           %4d x %s", kind.getValue(), kind.getKey()));
        }
        return text.toString();
    }

    /** Nearest-rank percentile of the requests' latencies (100: the slowest). */
    public double latencyMillis(int percentile) {
        long[] sorted = requests.stream().mapToLong(r -> r.endNanos - r.startNanos).sorted().toArray();
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }

    private String outageText() {
        List<String> parts = new ArrayList<>();
        for (Fault.Outage o : faults.outages()) {
            long startedDown = startedIn(o.downNanos, o.upNanos, false);
            long failedDown = startedIn(o.downNanos, o.upNanos, true);
            parts.add(String.format(Locale.ROOT, "outage: stop took %d ms, down %d ms, %d requests started while down, %d of them "
                            + "failed, first success %s after the server was back",
                    (o.downNanos - o.stopRequestedNanos) / 1_000_000, (o.upNanos - o.downNanos) / 1_000_000, startedDown, failedDown,
                    firstSuccessAfter(o.upNanos)));
        }
        return parts.isEmpty() ? "no outage" : String.join("; ", parts);
    }

    /** How long after {@code nanos} the first request succeeded that was under way or started then. */
    private String firstSuccessAfter(long nanos) {
        long first = Long.MAX_VALUE;
        for (ServiceLoad.Request r : requests) {
            if (r.ok() && r.endNanos >= nanos) {
                first = Math.min(first, r.endNanos);
            }
        }
        return first == Long.MAX_VALUE ? "never" : (first - nanos) / 1_000_000 + " ms";
    }

    private long startedIn(long from, long to, boolean failedOnly) {
        long n = 0;
        for (ServiceLoad.Request r : requests) {
            if (r.startedIn(from, to) && (!failedOnly || !r.ok())) {
                n++;
            }
        }
        return n;
    }
}

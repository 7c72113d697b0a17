package dev.lifeline.demo.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One run of one scenario's workload, without or with the agent, as measured by the demo: what the
 * application saw (operations, failures, latency) and what the database holds (lost and duplicated
 * writes, checked against the rows themselves).
 */
public final class RunRecord {

    public final ScenarioInfo scenario;
    public final boolean agent;
    public final int operations;
    public final int failed;
    /** Writes the application was told succeeded. */
    public final int acknowledgedWrites;
    /** Acknowledged writes the database does not hold. */
    public final int lost;
    /** Rows written more than once (extra copies counted). */
    public final int duplicated;
    public final double p50Ms;
    public final double p99Ms;
    public final long retries;
    /** Faults the demo injected during the run (resets, refusals, 500s), for context. */
    public final long faultsInjected;
    public final long elapsedMs;
    /** Per time slice of the run: operations that succeeded, and that failed. */
    public final int[] okTimeline;
    public final int[] failedTimeline;
    /** "count\tkind" of what the application caught, most frequent first. */
    public final List<String> errors;

    public RunRecord(ScenarioInfo scenario, boolean agent, int operations, int failed, int acknowledgedWrites,
                     int lost, int duplicated, double p50Ms, double p99Ms, long retries, long faultsInjected,
                     long elapsedMs, int[] okTimeline, int[] failedTimeline, List<String> errors) {
        this.scenario = scenario;
        this.agent = agent;
        this.operations = operations;
        this.failed = failed;
        this.acknowledgedWrites = acknowledgedWrites;
        this.lost = lost;
        this.duplicated = duplicated;
        this.p50Ms = p50Ms;
        this.p99Ms = p99Ms;
        this.retries = retries;
        this.faultsInjected = faultsInjected;
        this.elapsedMs = elapsedMs;
        this.okTimeline = okTimeline.clone();
        this.failedTimeline = failedTimeline.clone();
        this.errors = Collections.unmodifiableList(new ArrayList<>(errors));
    }

    public double successRate() {
        return operations == 0 ? 0 : 100.0 * (operations - failed) / operations;
    }

    public String agentLabel() {
        return agent ? "with" : "without";
    }
}

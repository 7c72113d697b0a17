package dev.lifeline.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A smoke test of the figures the runner reports; the benchmarks themselves never run under mvn verify. */
class StatsTest {

    @Test
    void nearestRankPercentilesOfSortedLatencies() {
        long[] sorted = new long[100];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = i + 1;
        }
        assertEquals(50, Stats.percentile(sorted, 50));
        assertEquals(99, Stats.percentile(sorted, 99));
        assertEquals(100, Stats.percentile(sorted, 100));
        assertEquals(0, Stats.percentile(new long[0], 99));
    }

    @Test
    void ratiosPairRoundsAndStopAtTheShorterList() {
        assertEquals(List.of(2.0, 0.5), Stats.ratios(List.of(4.0, 1.0, 9.0), List.of(2.0, 2.0)));
    }

    @Test
    void medianOfOddAndEvenRounds() {
        assertEquals(2.0, Stats.median(List.of(3.0, 1.0, 2.0)));
        assertEquals(2.5, Stats.median(List.of(4.0, 1.0, 2.0, 3.0)));
    }

    @Test
    void quartilesInterpolateBetweenNeighbours() {
        List<Double> values = List.of(5.0, 1.0, 4.0, 2.0, 3.0);
        assertEquals(2.0, Stats.quantile(values, 0.25));
        assertEquals(3.0, Stats.quantile(values, 0.5));
        assertEquals(4.0, Stats.quantile(values, 0.75));
        assertEquals(1.5, Stats.quantile(List.of(1.0, 2.0), 0.5));
        assertEquals(7.0, Stats.quantile(List.of(7.0), 0.25));
    }

    @Test
    void recorderCountsCallsBeyondItsCapacity() {
        LatencyRecorder recorder = new LatencyRecorder(2);
        recorder.record(5);
        recorder.record(3);
        recorder.record(9);
        assertEquals(3, recorder.calls());
        assertEquals(2, LatencyRecorder.sortedUnion(List.of(recorder)).length);
    }

    @Test
    void parsesResultLines() {
        Map<String, String> figures = Benchmarks.parse("workload=select ops_per_s=123.4 errors=0");
        assertEquals("select", figures.get("workload"));
        assertEquals("123.4", figures.get("ops_per_s"));
    }
}

package dev.lifeline.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** Order statistics over measurements: medians across rounds, percentiles within a run. */
final class Stats {

    private Stats() {
    }

    /** Nearest-rank percentile ({@code p} in 0..100) of sorted values; 0 when there are none. */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }

    static long[] sorted(List<Long> values) {
        long[] array = new long[values.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = values.get(i);
        }
        Arrays.sort(array);
        return array;
    }

    /** The per-round ratios {@code values[i] / base[i]}, over the rounds both have. */
    static List<Double> ratios(List<Double> values, List<Double> base) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(values.size(), base.size()); i++) {
            ratios.add(values.get(i) / base.get(i));
        }
        return ratios;
    }

    /** The median; for an even count the mean of the two middle values. NaN when empty. */
    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    }

    /** The {@code q} quantile (0..1), interpolated between the two nearest values; NaN when empty. */
    static double quantile(List<Double> values, double q) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        double at = q * (sorted.size() - 1);
        int below = (int) Math.floor(at);
        int above = Math.min(sorted.size() - 1, below + 1);
        return sorted.get(below) + (at - below) * (sorted.get(above) - sorted.get(below));
    }

    static double min(List<Double> values) {
        return values.isEmpty() ? Double.NaN : Collections.min(values);
    }

    static double max(List<Double> values) {
        return values.isEmpty() ? Double.NaN : Collections.max(values);
    }
}

package dev.mooring.bench;

import java.util.Arrays;
import java.util.Locale;

/** Percentiles of measured times, formatted for the results tables. */
final class Percentiles {

    private Percentiles() {
    }

    /** {@code "p50 / p99"}, or {@code "p50 / p99 / max"} when {@code withMax}, in the unit of the times. */
    static String of(double[] times, boolean withMax) {
        double[] sorted = times.clone();
        Arrays.sort(sorted);
        String text = String.format(Locale.ROOT, "%.1f / %.1f", at(sorted, 0.5), at(sorted, 0.99));
        return withMax ? text + String.format(Locale.ROOT, " / %.1f", sorted[sorted.length - 1]) : text;
    }

    static double p99(double[] times) {
        double[] sorted = times.clone();
        Arrays.sort(sorted);
        return at(sorted, 0.99);
    }

    private static double at(double[] sorted, double quantile) {
        return sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * quantile) - 1))];
    }
}

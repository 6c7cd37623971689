package dev.mooring.bench;

import java.util.Arrays;
import java.util.Locale;

/** Percentiles of measured times, formatted for the results table. */
final class Percentiles {

    private Percentiles() {
    }

    /** {@code "p50 / p99"}, or {@code "p50 / p99 / max"} when {@code withMax}, in the unit of the times. */
    static String of(double[] times, boolean withMax) {
        double[] sorted = times.clone();
        Arrays.sort(sorted);
        double p99 = sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * 0.99) - 1)];
        String text = String.format(Locale.ROOT, "%.1f / %.1f", sorted[sorted.length / 2], p99);
        return withMax ? text + String.format(Locale.ROOT, " / %.1f", sorted[sorted.length - 1]) : text;
    }
}

package dev.mooring.bench;

import java.util.Locale;

/** A Markdown table, built row by row. */
final class Table {

    private final StringBuilder text = new StringBuilder();

    Table(String... headers) {
        text.append("| ").append(String.join(" | ", headers)).append(" |\n|");
        text.append(" --- |".repeat(headers.length)).append('\n');
    }

    /** Adds a row; numbers are written with at most one decimal. */
    Table row(Object... cells) {
        text.append('|');
        for (Object cell : cells) {
            text.append(' ').append(format(cell)).append(" |");
        }
        text.append('\n');
        System.out.println(text.substring(text.lastIndexOf("\n", text.length() - 2) + 1).trim());
        return this;
    }

    static String format(Object cell) {
        if (cell instanceof Double d) {
            return Math.abs(d) >= 100 ? String.format(Locale.ROOT, "%,.0f", d) : String.format(Locale.ROOT, "%.1f", d);
        }
        if (cell instanceof Long || cell instanceof Integer) {
            return String.format(Locale.ROOT, "%,d", ((Number) cell).longValue());
        }
        return String.valueOf(cell);
    }

    @Override
    public String toString() {
        return text.toString();
    }
}

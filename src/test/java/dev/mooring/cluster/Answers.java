package dev.mooring.cluster;

import java.util.ArrayList;
import java.util.List;

/** Scripted answers whose chunks name their seq, so that a gap or a repeat shows in the text too. */
final class Answers {

    private Answers() {
    }

    static List<String> deltas(int count) {
        List<String> deltas = new ArrayList<>(count);
        for (int seq = 1; seq <= count; seq++) {
            deltas.add("c" + seq + " ");
        }
        return deltas;
    }

    static String text(int from, int to) {
        StringBuilder text = new StringBuilder();
        for (int seq = from; seq <= to; seq++) {
            text.append("c").append(seq).append(' ');
        }
        return text.toString();
    }
}

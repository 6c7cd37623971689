package dev.mooring.completion;

import java.util.Arrays;

/**
 * An answer's chunks in memory, in seq order from 1: its text in one builder plus the end offset of each chunk (not
 * a list of strings), and the chunk lengths as the store keeps them. Not thread-safe: its owner's monitor guards it.
 */
final class ChunkLog {

    private final StringBuilder text = new StringBuilder(256);
    private final StringBuilder chunkLengths = new StringBuilder(64);
    /** offsets[s] is where chunk s+1 ends in {@link #text}. */
    private int[] offsets = new int[32];
    private long lastSeq;

    /** Appends the next chunk; returns its seq. */
    long append(String delta) {
        long seq = ++lastSeq;
        text.append(delta);
        if (seq > offsets.length) {
            offsets = Arrays.copyOf(offsets, offsets.length * 2);
        }
        offsets[(int) seq - 1] = text.length();
        if (seq > 1) {
            chunkLengths.append(',');
        }
        chunkLengths.append(delta.length());
        return seq;
    }

    /** Appends the chunks of {@code stored} after the ones held (the stored progress of an answer run elsewhere). */
    void appendAfter(StoredCompletion stored) {
        ChunkCursor cursor = stored.chunks();
        for (String delta = cursor.next(); delta != null; delta = cursor.next()) {
            if (cursor.seq() > lastSeq) {
                append(delta);
            }
        }
    }

    /** The text of chunk {@code seq} (1 ≤ seq ≤ lastSeq). */
    String chunk(long seq) {
        int start = seq == 1 ? 0 : offsets[(int) seq - 2];
        return text.substring(start, offsets[(int) seq - 1]);
    }

    long lastSeq() {
        return lastSeq;
    }

    String text() {
        return text.toString();
    }

    String chunkLengths() {
        return chunkLengths.toString();
    }
}

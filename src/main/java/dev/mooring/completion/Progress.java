package dev.mooring.completion;

import java.util.UUID;

/**
 * A running completion's progress from {@code firstSeq} to {@code lastSeq}: the text of those seqs' chunks and each
 * chunk's length (comma-separated). A checkpoint carries what is new since the last stored one (nothing but a lease
 * renewal when {@code firstSeq > lastSeq}); a progress from seq 1 is the whole answer so far.
 */
record Progress(UUID id, long firstSeq, long lastSeq, String text, String chunkLengths) {

    /** Whether it adds any seq. */
    boolean hasNew() {
        return firstSeq <= lastSeq;
    }
}

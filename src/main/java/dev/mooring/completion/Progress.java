package dev.mooring.completion;

import java.util.UUID;

/** A running completion's durable progress: its text so far, its last seq and every chunk's length. */
record Progress(UUID id, String text, long lastSeq, String chunkLengths) {
}

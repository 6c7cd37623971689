package dev.mooring.completion;

import java.util.UUID;

/** How a completion ended: written to the store before its end is told to subscribers. */
record FinalState(UUID id, UUID conversationId, CompletionStatus status, String text, long lastSeq,
                  String chunkLengths, CompletionError error) {
}

package dev.mooring.completion;

import dev.mooring.chat.ServerFrame;

import java.util.UUID;

/** How a completion ended: written to the store before its {@code done} frame is sent. */
public record FinalState(UUID id, UUID conversationId, CompletionStatus status, String text, long lastSeq,
                         String chunkLengths, ServerFrame.ErrorBody error) {
}

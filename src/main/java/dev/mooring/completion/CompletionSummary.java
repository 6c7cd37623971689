package dev.mooring.completion;

import java.util.UUID;

/** A stored completion as a conversation shows it: the assistant message it writes, its status, last seq and text. */
public record CompletionSummary(UUID id, UUID messageId, CompletionStatus status, long lastSeq, String text) {
}

package dev.mooring.completion;

import java.util.UUID;

/**
 * A stored completion as a conversation shows it: the user message it answers ({@code requestMessageId}), the
 * assistant message it writes ({@code messageId}), its status, last seq and text.
 */
public record CompletionSummary(UUID id, UUID requestMessageId, UUID messageId, CompletionStatus status, long lastSeq,
                                String text) {
}

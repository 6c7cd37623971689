package dev.mooring.completion;

import java.util.UUID;

/** How a completion ended, once that is stored: what its subscribers are told last. */
public record CompletionEnd(UUID completionId, CompletionStatus status, long lastSeq, UUID messageId,
                            CompletionError error) {
}

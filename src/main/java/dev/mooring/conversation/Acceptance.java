package dev.mooring.conversation;

import dev.mooring.model.ModelRequest;

import java.util.UUID;

/**
 * A stored {@code chat} frame: the ids to answer with, and, unless it was a duplicate, the model request that its
 * completion must run.
 */
public record Acceptance(UUID conversationId, UUID userMessageId, UUID assistantMessageId, UUID completionId,
                         boolean duplicate, ModelRequest request) {
}

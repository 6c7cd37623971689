package dev.mooring.conversation;

import java.util.UUID;

/**
 * A stored question: the ids to answer with. {@code duplicate} when its {@code clientMessageId} was stored before:
 * then the ids are the original ones and nothing new began.
 */
public record Acceptance(UUID conversationId, UUID userMessageId, UUID assistantMessageId, UUID completionId,
                         boolean duplicate) {
}

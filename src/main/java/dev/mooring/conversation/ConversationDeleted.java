package dev.mooring.conversation;

import java.util.UUID;

/** A CDI event: a conversation was deleted (its rows are gone). */
public record ConversationDeleted(UUID conversationId) {
}

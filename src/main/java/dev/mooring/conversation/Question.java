package dev.mooring.conversation;

import dev.mooring.model.NotebookContext;

import java.util.UUID;

/**
 * What a user asks: who asks ({@code user}, see {@link dev.mooring.api.Caller}), the client's idempotency key, the
 * conversation it continues (null starts one), the text, the notebook context (may be null) and the mode.
 */
public record Question(String user, String clientMessageId, UUID conversationId, String text, NotebookContext context,
                       String mode) {
}

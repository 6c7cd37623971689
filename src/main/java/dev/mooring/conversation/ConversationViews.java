package dev.mooring.conversation;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.mooring.model.NotebookContext;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The REST shapes of conversations and messages. */
public final class ConversationViews {

    private ConversationViews() {
    }

    /** One row of {@code GET /api/conversations}; {@code notebookPath} is absent for one started from no notebook. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Summary(UUID id, String title, String notebookPath, Instant createdAt, Instant updatedAt) {
    }

    /** {@code GET /api/conversations/{id}}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Detail(UUID id, String title, String notebookPath, Instant createdAt, Instant updatedAt,
                         List<MessageView> messages) {
    }

    /** {@code PATCH /api/conversations/{id}}: the new title. */
    public record Rename(String title) {
    }

    static Summary summary(Conversation c) {
        return new Summary(c.id, c.title, c.notebookPath, c.createdAt, c.updatedAt);
    }

    /**
     * A message; {@code completion} is present on assistant messages, {@code context} (an addition: the notebook
     * context sent with the question, in the shape it was sent) on user messages that had one.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MessageView(UUID id, String role, String text, String mode, Instant createdAt,
                              NotebookContext context, CompletionRef completion) {
    }

    /** The completion that writes an assistant message. */
    public record CompletionRef(UUID id, String status, long lastSeq) {
    }
}

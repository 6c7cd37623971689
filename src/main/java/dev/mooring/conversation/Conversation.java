package dev.mooring.conversation;

import dev.mooring.api.StoredText;
import dev.mooring.model.NotebookContext;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** A conversation of one user: a titled thread of messages, started from a notebook (or none). */
@Entity
@Table(name = "conversation")
public class Conversation extends PanacheEntityBase {

    /** The longest notebook path kept (the column's size); a longer one is not stored. */
    private static final int NOTEBOOK_PATH_LENGTH = 1024;

    @Id
    public UUID id;

    public String title;

    /** Whose it is: only that user sees it. */
    @Column(name = "owner_user")
    public String ownerUser;

    /** The first question's {@code context.notebookPath}; null when it had none. */
    @Column(name = "notebook_path")
    public String notebookPath;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    /** Stores a new conversation of the asking user for a first question: titled from it, and of its notebook. */
    static Conversation start(Question first, Instant now) {
        Conversation conversation = new Conversation();
        conversation.id = UUID.randomUUID();
        conversation.ownerUser = first.user();
        conversation.title = ConversationTitles.summary(first.text(), first.mode(), first.context());
        conversation.notebookPath = notebookPath(first.context());
        conversation.createdAt = now;
        conversation.updatedAt = now;
        conversation.persist();
        return conversation;
    }

    /** The conversation if it exists and is {@code user}'s; another user's reads as unknown. */
    static Conversation ofUser(UUID id, String user) {
        Conversation conversation = findById(id);
        return conversation != null && conversation.ownerUser.equals(user) ? conversation : null;
    }

    /** The path as sent, when it fits the column and the database can store every character of it. */
    static String notebookPath(NotebookContext context) {
        String path = context == null ? null : context.notebookPath();
        if (path == null || path.isBlank() || path.length() > NOTEBOOK_PATH_LENGTH
                || !path.equals(StoredText.encode(path))) {
            return null;
        }
        return path;
    }
}

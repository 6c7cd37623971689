package dev.mooring.conversation;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** A conversation: a titled thread of messages, of one user. */
@Entity
@Table(name = "conversation")
public class Conversation extends PanacheEntityBase {

    private static final int TITLE_LENGTH = 80;

    @Id
    public UUID id;

    public String title;

    /** Whose it is: only that user sees it. */
    @Column(name = "owner_user")
    public String ownerUser;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    /** Stores a new conversation of {@code user} titled after the first line of its first question. */
    static Conversation start(String user, String firstQuestion, Instant now) {
        Conversation conversation = new Conversation();
        conversation.id = UUID.randomUUID();
        conversation.ownerUser = user;
        conversation.title = title(firstQuestion);
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

    static String title(String text) {
        String line = text.strip().lines().filter(l -> !l.isBlank()).findFirst().orElse("New conversation");
        line = line.replaceAll("\\s+", " ").strip();
        return line.length() <= TITLE_LENGTH ? line : line.substring(0, TITLE_LENGTH - 1) + "…";
    }
}

package dev.mooring.conversation;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.Generated;

import java.time.Instant;
import java.util.UUID;

/**
 * One message of a conversation. A user message carries its text and the client's idempotency key; an assistant
 * message's text is its completion's text, stored once, on the completion.
 */
@Entity
@Table(name = "message")
public class Message extends PanacheEntityBase {

    public static final String USER = "user";
    public static final String ASSISTANT = "assistant";

    @Id
    public UUID id;

    /** Insertion order within the database; orders a conversation's messages. */
    @Generated
    @Column(insertable = false, updatable = false)
    public Long ordinal;

    @Column(name = "conversation_id")
    public UUID conversationId;

    /** The user of its conversation; a clientMessageId is unique per user. */
    @Column(name = "owner_user")
    public String ownerUser;

    public String role;

    @Convert(converter = StoredTextConverter.class)
    public String text;

    @Column(name = "client_message_id")
    public String clientMessageId;

    public String mode;

    /** The notebook context sent with the question, as JSON. */
    @Convert(converter = StoredTextConverter.class)
    public String context;

    @Column(name = "created_at")
    public Instant createdAt;

    /** Stores the user's message of a question, with its idempotency key, mode and notebook context (JSON). */
    static Message user(UUID conversationId, Question question, String contextJson, Instant now) {
        Message user = create(conversationId, question.user(), USER, now);
        user.text = question.text();
        user.clientMessageId = question.clientMessageId();
        user.mode = question.mode();
        user.context = contextJson;
        user.persist();
        return user;
    }

    /** Stores the assistant message a completion writes; its text lives on the completion. */
    static Message assistant(UUID conversationId, String ownerUser, Instant now) {
        Message assistant = create(conversationId, ownerUser, ASSISTANT, now);
        assistant.persist();
        return assistant;
    }

    private static Message create(UUID conversationId, String ownerUser, String role, Instant now) {
        Message message = new Message();
        message.id = UUID.randomUUID();
        message.conversationId = conversationId;
        message.ownerUser = ownerUser;
        message.role = role;
        message.createdAt = now;
        return message;
    }
}

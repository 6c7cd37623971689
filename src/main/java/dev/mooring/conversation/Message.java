package dev.mooring.conversation;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
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

    public String role;

    public String text;

    @Column(name = "client_message_id")
    public String clientMessageId;

    public String mode;

    /** The notebook context sent with the question, as JSON. */
    public String context;

    @Column(name = "created_at")
    public Instant createdAt;
}

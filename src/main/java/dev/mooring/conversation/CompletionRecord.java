package dev.mooring.conversation;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/**
 * The stored state of one completion: its text so far, the seq of its last chunk, the length of every chunk (so that
 * a replay cuts the text at the very boundaries clients received), its status and, once failed, its error.
 */
@Entity
@Table(name = "completion")
public class CompletionRecord extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "conversation_id")
    public UUID conversationId;

    /** The user message this completion answers. */
    @Column(name = "request_message_id")
    public UUID requestMessageId;

    /** The assistant message this completion writes. */
    @Column(name = "message_id")
    public UUID messageId;

    public String status;

    public String text;

    @Column(name = "last_seq")
    public long lastSeq;

    @Column(name = "chunk_lengths")
    public String chunkLengths;

    @Column(name = "error_code")
    public String errorCode;

    @Column(name = "error_message")
    public String errorMessage;

    @Column(name = "error_retryable")
    public Boolean errorRetryable;

    @Column(name = "owner_node")
    public String ownerNode;

    @Column(name = "lease_until")
    public Instant leaseUntil;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;
}

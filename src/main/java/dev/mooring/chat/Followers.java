package dev.mooring.chat;

import dev.mooring.api.ApiException;
import dev.mooring.api.ErrorCode;
import dev.mooring.cluster.ConversationEvents;
import dev.mooring.cluster.ConversationEvents.ConversationEvent;
import dev.mooring.completion.CompletionService;
import dev.mooring.conversation.ConversationDeleted;
import dev.mooring.protocol.FrameCodec;
import dev.mooring.protocol.ServerFrame;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which connections of this node follow which conversation: they hear of every question asked in it on another
 * connection, of this node or another (and follow its answer from the first seq), and of its deletion.
 */
@Startup // hears other nodes' events from its start, before any connection follows
@ApplicationScoped
class Followers {

    private static final Logger LOG = Logger.getLogger(Followers.class);
    private static final String ASKED = "asked";
    private static final String DELETED = "deleted";

    /** Conversations one connection may follow at once. */
    static final int MAX_PER_CONNECTION = 16;

    private final ConcurrentHashMap<UUID, Set<ChatSession>> byConversation = new ConcurrentHashMap<>();
    private final CompletionService completions;
    private final ConversationEvents otherNodes;
    private final FrameCodec codec;

    Followers(CompletionService completions, ConversationEvents otherNodes, FrameCodec codec) {
        this.completions = completions;
        this.otherNodes = otherNodes;
        this.codec = codec;
    }

    @PostConstruct
    void hearOtherNodes() {
        otherNodes.onEvent(this::otherNode);
    }

    void follow(ChatSession session, UUID conversationId) {
        if (!session.following.contains(conversationId) && session.following.size() >= MAX_PER_CONNECTION) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "a connection follows at most " + MAX_PER_CONNECTION
                    + " conversations; unfollow one first");
        }
        session.following.add(conversationId);
        byConversation.computeIfAbsent(conversationId, id -> ConcurrentHashMap.newKeySet()).add(session);
    }

    void unfollow(ChatSession session, UUID conversationId) {
        session.following.remove(conversationId);
        byConversation.computeIfPresent(conversationId, (id, sessions) -> {
            sessions.remove(session);
            return sessions.isEmpty() ? null : sessions;
        });
    }

    /** The connection closed. */
    void forget(ChatSession session) {
        for (UUID conversationId : Set.copyOf(session.following)) {
            unfollow(session, conversationId);
        }
    }

    /**
     * A question was accepted on {@code asker}: every other follower, on this node and the others, hears of it and
     * follows its answer.
     */
    void asked(ChatSession asker, ServerFrame.Asked asked, UUID conversationId, UUID completionId) {
        String frame = codec.encode(asked);
        tellFollowers(conversationId, asker, frame, completionId);
        otherNodes.publish(new ConversationEvent(conversationId, ASKED, completionId, frame));
    }

    /** What another node's connection did in a conversation that connections here may follow. */
    private void otherNode(ConversationEvent event) {
        if (ASKED.equals(event.kind())) {
            tellFollowers(event.conversationId(), null, event.frame(), event.completionId());
        } else if (DELETED.equals(event.kind())) {
            tellDeleted(event.conversationId(), event.frame());
        }
    }

    private void tellFollowers(UUID conversationId, ChatSession asker, String frame, UUID completionId) {
        for (ChatSession follower : byConversation.getOrDefault(conversationId, Set.of())) {
            if (follower == asker) {
                continue;
            }
            follower.send(frame);
            try {
                follower.follow(completionId, 0, s -> completions.follow(completionId, follower.user(), s));
            } catch (ApiException e) {
                LOG.debugf("a follower of %s could not follow answer %s: %s", conversationId, completionId,
                        e.getMessage());
            }
        }
    }

    void deleted(@Observes ConversationDeleted deleted) {
        String frame = codec.encode(new ServerFrame.Deleted(deleted.conversationId().toString()));
        tellDeleted(deleted.conversationId(), frame);
        otherNodes.publish(new ConversationEvent(deleted.conversationId(), DELETED, null, frame));
    }

    private void tellDeleted(UUID conversationId, String frame) {
        Set<ChatSession> followers = byConversation.remove(conversationId);
        if (followers == null) {
            return;
        }
        for (ChatSession follower : followers) {
            follower.following.remove(conversationId);
            follower.send(frame);
        }
    }
}

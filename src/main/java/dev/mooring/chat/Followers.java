package dev.mooring.chat;

import dev.mooring.api.ApiException;
import dev.mooring.api.ErrorCode;
import dev.mooring.completion.CompletionService;
import dev.mooring.conversation.ConversationDeleted;
import dev.mooring.protocol.ServerFrame;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which connections of this node follow which conversation: they hear of every question asked in it on another
 * connection (and follow its answer from the first seq), and of its deletion.
 */
@ApplicationScoped
class Followers {

    /** Conversations one connection may follow at once. */
    static final int MAX_PER_CONNECTION = 16;

    private final ConcurrentHashMap<UUID, Set<ChatSession>> byConversation = new ConcurrentHashMap<>();
    private final CompletionService completions;

    Followers(CompletionService completions) {
        this.completions = completions;
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

    /** A question was accepted on {@code asker}: every other follower hears of it and follows its answer. */
    void asked(ChatSession asker, ServerFrame.Asked asked, UUID conversationId, UUID completionId) {
        for (ChatSession follower : byConversation.getOrDefault(conversationId, Set.of())) {
            if (follower != asker) {
                follower.send(asked);
                follower.follow(completionId, 0, s -> completions.follow(completionId, follower.user(), s));
            }
        }
    }

    void deleted(@Observes ConversationDeleted deleted) {
        Set<ChatSession> followers = byConversation.remove(deleted.conversationId());
        if (followers == null) {
            return;
        }
        ServerFrame.Deleted frame = new ServerFrame.Deleted(deleted.conversationId().toString());
        for (ChatSession follower : followers) {
            follower.following.remove(deleted.conversationId());
            follower.send(frame);
        }
    }
}

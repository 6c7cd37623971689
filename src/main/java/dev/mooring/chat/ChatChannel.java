package dev.mooring.chat;

import dev.mooring.api.ApiException;
import dev.mooring.api.ErrorCode;
import dev.mooring.api.RedactedFailure;
import dev.mooring.completion.CompletionService;
import dev.mooring.config.ChatConfig;
import dev.mooring.conversation.Acceptance;
import dev.mooring.conversation.ConversationService;
import dev.mooring.model.ChatModelGateway;
import dev.mooring.model.ModelSwitched;
import dev.mooring.protocol.ClientFrame;
import dev.mooring.protocol.FrameCodec;
import dev.mooring.protocol.FrameException;
import dev.mooring.protocol.ServerFrame;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.websockets.next.OpenConnections;
import io.quarkus.websockets.next.WebSocketConnection;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The rules of the chat channel: welcomes connections, checks and dispatches their frames as calls on the
 * conversation and completion services, answers every bad frame with a typed error, and closes everything with
 * 1001 on shutdown.
 */
@ApplicationScoped
public class ChatChannel {

    private static final Logger LOG = Logger.getLogger(ChatChannel.class);
    static final int GOING_AWAY = 1001;
    static final int POLICY = 1008;

    private final FrameCodec codec;
    private final ConversationService conversations;
    private final CompletionService completions;
    private final Heartbeats heartbeats;
    private final ChannelMetrics metrics;
    private final ChatConfig config;
    private final OpenConnections connections;
    private final Followers followers;
    private final ChatModelGateway model;
    private final QuestionGate gate;

    ChatChannel(FrameCodec codec, ConversationService conversations, CompletionService completions,
                 Heartbeats heartbeats, ChannelMetrics metrics, ChatConfig config, OpenConnections connections,
                 Followers followers, ChatModelGateway model, QuestionGate gate) {
        this.codec = codec;
        this.conversations = conversations;
        this.completions = completions;
        this.heartbeats = heartbeats;
        this.metrics = metrics;
        this.config = config;
        this.connections = connections;
        this.followers = followers;
        this.model = model;
        this.gate = gate;
    }

    void open(WebSocketConnection connection) {
        ChatSession session = ChatSession.open(connection, codec, new TokenBucket(config.rateLimit().framesPerSecond(),
                        config.rateLimit().burst(), System.nanoTime()), config.completions().maxPendingWrites(),
                config.completions().maxPendingBytes(),
                replaced -> completions.unsubscribe(replaced.completionId, replaced), metrics::slowClose);
        metrics.connectionOpened();
        session.send(new ServerFrame.Welcome(1, session.id(), heartbeats.intervalMs(), heartbeats.timeoutMs(),
                Translation.model(model.info()), config.maxFrameBytes(), config.nodeName()));
        if (completions.stopping()) {
            session.close(GOING_AWAY, "the service is shutting down");
        }
    }

    void closed(WebSocketConnection connection) {
        ChatSession session = ChatSession.of(connection);
        if (session == null) {
            return;
        }
        metrics.connectionClosed();
        session.discardUnwritten();
        followers.forget(session);
        for (Subscription s : session.subscriptions()) {
            completions.unsubscribe(s.completionId, s);
        }
    }

    /** Any frame, protocol pongs included, proves the connection alive. */
    void touch(WebSocketConnection connection) {
        ChatSession session = ChatSession.of(connection);
        if (session != null) {
            session.lastFrameAt = System.currentTimeMillis();
        }
    }

    void receive(WebSocketConnection connection, String text) {
        ChatSession session = ChatSession.of(connection);
        if (session == null) {
            return;
        }
        session.lastFrameAt = System.currentTimeMillis();
        if (!session.bucket.tryTake(System.nanoTime())) {
            refuseUnread(session, new ApiException(ErrorCode.RATE_LIMITED,
                    "too many frames; slow down and send this again", true), text);
            return;
        }
        if (utf8Length(text, config.maxFrameBytes()) > config.maxFrameBytes()) {
            refuseUnread(session, new ApiException(ErrorCode.TOO_LARGE, "the frame is larger than "
                    + config.maxFrameBytes() + " bytes; send less notebook context"), text);
            return;
        }
        ClientFrame frame;
        try {
            frame = codec.decode(text);
        } catch (FrameException e) {
            reject(session, e, e.ref());
            return;
        }
        try {
            dispatch(session, frame);
            session.violations = 0;
        } catch (ApiException e) {
            reject(session, e, frame.ref());
        } catch (RuntimeException e) {
            LOG.errorf(RedactedFailure.of(e), "frame on connection %s failed", session.id());
            session.send(RedactedFailure.fromDatabase(e)
                    ? new ServerFrame.Error(ErrorCode.UNAVAILABLE, "the service cannot reach its database right now; "
                            + "send this again shortly", true, frame.ref())
                    : new ServerFrame.Error(ErrorCode.INTERNAL, "the service failed to handle this frame; see its log",
                            true, frame.ref()));
        }
    }

    /**
     * A message the socket would not read: past {@code chat.max-socket-frame-bytes} in fragments (a single frame
     * that large is answered by {@link SocketFrameLimit}, before the socket drops). It closes with 1009 and says why.
     */
    void failed(WebSocketConnection connection, Throwable failure) {
        ChatSession session = ChatSession.of(connection);
        if (session != null && failure instanceof IllegalStateException && String.valueOf(failure.getMessage())
                .contains("max message size")) {
            session.close(SocketFrameLimit.MESSAGE_TOO_BIG, SocketFrameLimit.reason(config.maxSocketFrameBytes()));
        }
    }

    private void dispatch(ChatSession session, ClientFrame frame) {
        if (frame instanceof ClientFrame.Chat chat) {
            chat(session, chat);
        } else if (frame instanceof ClientFrame.Resume resume) {
            UUID id = resume.completionId();
            session.follow(id, resume.afterSeq(), s -> completions.resume(id, resume.afterSeq(), session.user(), s));
        } else if (frame instanceof ClientFrame.Cancel cancel) {
            UUID id = cancel.completionId();
            completions.cancel(id, session.user());
            if (!session.following(id)) {
                session.follow(id, 0, s -> completions.tellEnd(id, session.user(), s));
            }
        } else if (frame instanceof ClientFrame.ToolResult result) {
            boolean duplicate = completions.takeToolResult(result.completionId(), session.user(),
                    result.callId(), result.output(), result.error());
            session.send(new ServerFrame.ToolAccepted(result.completionId().toString(), result.callId().toString(),
                    duplicate));
        } else if (frame instanceof ClientFrame.Follow follow) {
            conversations.requireExists(follow.conversationId(), session.user());
            followers.follow(session, follow.conversationId());
        } else if (frame instanceof ClientFrame.Unfollow unfollow) {
            followers.unfollow(session, unfollow.conversationId());
        } else if (frame instanceof ClientFrame.Ping ping) {
            session.send(new ServerFrame.Pong(ping.t()));
        }
        // A pong needs nothing more: liveness was noted on arrival.
    }

    private void chat(ChatSession session, ClientFrame.Chat chat) {
        if (completions.stopping()) {
            throw new ApiException(ErrorCode.UNAVAILABLE, "the service is shutting down; send again once reconnected");
        }
        session.started.removeIf(id -> !completions.runsHere(id));
        int allowed = config.completions().maxRunningPerConnection();
        if (session.started.size() >= allowed) {
            throw new ApiException(ErrorCode.RATE_LIMITED, "this connection has " + allowed + " answers being written; "
                    + "send this again once one has ended", true);
        }
        Acceptance accepted = gate.through(() -> conversations.accept(Translation.question(session.user(), chat)));
        session.send(Translation.accepted(chat.clientMessageId(), accepted));
        if (!accepted.duplicate()) {
            UUID id = accepted.completionId();
            session.started.add(id);
            session.follow(id, 0, s -> completions.follow(id, session.user(), s));
            followers.asked(session, Translation.asked(chat, accepted), accepted.conversationId(), id);
        }
    }

    private void reject(ChatSession session, ApiException e, String ref) {
        metrics.frameRejected();
        boolean retryable = e.retryable() || e.code() == ErrorCode.UNAVAILABLE;
        session.send(new ServerFrame.Error(e.code(), e.getMessage(), retryable, ref));
    }

    /**
     * Refuses a frame over the connection's budget or size without reading it (its ref comes from its first
     * characters); a connection that keeps sending such frames is closed with 1008.
     */
    private void refuseUnread(ChatSession session, ApiException e, String text) {
        reject(session, e, codec.refOf(text));
        if (++session.violations >= config.rateLimit().maxViolations()) {
            session.close(POLICY, "too many refused frames");
        }
    }

    /** Tells every connection which model answers from now on. */
    void onModelSwitched(@Observes ModelSwitched event) {
        ServerFrame frame = new ServerFrame.ModelChanged(Translation.model(event.info()));
        for (WebSocketConnection connection : connections) {
            ChatSession session = ChatSession.of(connection);
            if (session != null) {
                session.send(frame);
            }
        }
    }

    /**
     * Runs first in shutdown (the pre-shutdown phase, before the HTTP server closes its sockets): running completions
     * have {@code chat.completions.drain} to end on their own, the rest end interrupted, then every socket closes
     * with 1001.
     */
    void onShutdownStarts(@Observes ShutdownDelayInitiatedEvent event) {
        stop();
    }

    /** The same, where no pre-shutdown phase ran (tests, dev mode). */
    void onShutdown(@Observes @Priority(1) ShutdownEvent event) {
        stop();
    }

    private void stop() {
        completions.drain(); // sockets and heartbeats go on meanwhile, so their clients see the answers end
        heartbeats.stop();
        completions.stop();
        for (WebSocketConnection connection : connections) {
            ChatSession session = ChatSession.of(connection);
            if (session != null) {
                session.close(GOING_AWAY, "the service is shutting down");
            }
        }
    }

    /** The UTF-8 length of {@code s}, counted only as far as needed to know whether it exceeds {@code limit}. */
    static int utf8Length(String s, int limit) {
        if (s.length() * 3L <= limit) {
            return s.length();
        }
        if (s.length() > limit) {
            return s.length();
        }
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}

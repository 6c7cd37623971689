package dev.mooring.chat;

import dev.mooring.support.DaemonThreads;
import dev.mooring.api.ApiException;
import dev.mooring.api.ErrorCode;
import dev.mooring.completion.CompletionRun;
import dev.mooring.completion.CompletionService;
import dev.mooring.completion.LiveCompletions;
import dev.mooring.config.ChatConfig;
import dev.mooring.conversation.Acceptance;
import dev.mooring.conversation.ConversationService;
import dev.mooring.metrics.ChatMetrics;
import dev.mooring.model.ChatModelGateway;
import dev.mooring.model.ModelInfo;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.websockets.next.WebSocketConnection;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The rules of the chat channel: welcomes connections, checks and dispatches their frames, answers every bad frame
 * with a typed error, keeps heartbeats (one sweep for all connections), and closes everything with 1001 on shutdown.
 */
@ApplicationScoped
public class ChatSessions {

    private static final Logger LOG = Logger.getLogger(ChatSessions.class);
    static final int GOING_AWAY = 1001;
    static final int POLICY = 1008;
    static final int HEARTBEAT_TIMEOUT = 4408;

    private final ConcurrentHashMap<String, ChatSession> sessions = new ConcurrentHashMap<>();
    private final FrameCodec codec;
    private final ConversationService conversations;
    private final CompletionService completions;
    private final LiveCompletions live;
    private final ChatMetrics metrics;
    private final ChatConfig config;
    private final ModelInfo modelInfo;
    private final long intervalMs;
    private final long timeoutMs;
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("mooring-heartbeat"));

    public ChatSessions(FrameCodec codec, ConversationService conversations, CompletionService completions,
                        LiveCompletions live, ChatMetrics metrics, ChatConfig config, ChatModelGateway model) {
        this.codec = codec;
        this.conversations = conversations;
        this.completions = completions;
        this.live = live;
        this.metrics = metrics;
        this.config = config;
        this.intervalMs = config.heartbeat().interval().toMillis();
        this.timeoutMs = config.heartbeat().timeout().toMillis();
        this.modelInfo = model.info();
        long period = Math.max(20, Math.min(1000, Math.min(intervalMs, timeoutMs) / 4));
        sweeper.scheduleAtFixedRate(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    void open(WebSocketConnection connection) {
        long now = System.currentTimeMillis();
        ChatSession session = new ChatSession(connection, new TokenBucket(config.rateLimit().framesPerSecond(),
                config.rateLimit().burst(), System.nanoTime()), config.completions().maxPendingWrites(), now,
                this::unsubscribe);
        sessions.put(session.id, session);
        metrics.connectionOpened();
        send(session, new ServerFrame.Welcome(1, session.id, intervalMs, timeoutMs, modelInfo));
        if (completions.stopping()) {
            session.close(GOING_AWAY, "the service is shutting down");
        }
    }

    void closed(WebSocketConnection connection) {
        ChatSession session = sessions.remove(connection.id());
        if (session == null) {
            return;
        }
        metrics.connectionClosed();
        for (Subscription s : session.subscriptions()) {
            unsubscribe(s);
        }
    }

    /** Any frame, protocol pongs included, proves the connection alive. */
    void touch(WebSocketConnection connection) {
        ChatSession session = sessions.get(connection.id());
        if (session != null) {
            session.lastFrameAt = System.currentTimeMillis();
        }
    }

    void receive(WebSocketConnection connection, String text) {
        ChatSession session = sessions.get(connection.id());
        if (session == null) {
            return;
        }
        session.lastFrameAt = System.currentTimeMillis();
        if (!session.bucket.tryTake(System.nanoTime())) {
            reject(session, new ApiException(ErrorCode.RATE_LIMITED,
                    "too many frames; slow down and send this again", true), codec.refOf(text));
            return;
        }
        if (utf8Length(text, config.maxFrameBytes()) > config.maxFrameBytes()) {
            reject(session, new ApiException(ErrorCode.TOO_LARGE, "the frame is larger than "
                    + config.maxFrameBytes() + " bytes; send less notebook context"), codec.refOf(text));
            return;
        }
        String ref = null;
        try {
            ClientFrame frame = codec.decode(text);
            ref = refOf(frame);
            dispatch(session, frame);
            session.violations = 0;
        } catch (FrameException e) {
            reject(session, e, e.ref());
        } catch (ApiException e) {
            reject(session, e, ref);
        } catch (RuntimeException e) {
            LOG.errorf(e, "frame on connection %s failed", session.id);
            send(session, new ServerFrame.Error(ErrorCode.INTERNAL, "the service failed to handle this frame; "
                    + "see its log", true, ref));
        }
    }

    private void dispatch(ChatSession session, ClientFrame frame) {
        if (frame instanceof ClientFrame.Chat chat) {
            chat(session, chat);
        } else if (frame instanceof ClientFrame.Resume resume) {
            UUID id = UUID.fromString(resume.completionId());
            Subscription s = session.subscribe(id, resume.afterSeq());
            try {
                completions.resume(id, resume.afterSeq(), s);
            } catch (RuntimeException e) {
                session.forget(s);
                throw e;
            }
        } else if (frame instanceof ClientFrame.Cancel cancel) {
            UUID id = UUID.fromString(cancel.completionId());
            Optional<CompletionRun> run = completions.cancel(id);
            if (run.isEmpty()) {
                session.send(completions.storedDone(id));
            } else if (!session.following(id)) {
                long seq = run.get().lastSeq();
                run.get().subscribe(session.subscribe(id, seq), seq);
            }
        } else if (frame instanceof ClientFrame.Ping ping) {
            send(session, new ServerFrame.Pong(ping.t()));
        }
        // A pong needs nothing more: liveness was noted on arrival.
    }

    private void chat(ChatSession session, ClientFrame.Chat chat) {
        if (completions.stopping()) {
            throw new FrameException(ErrorCode.UNAVAILABLE, "the service is shutting down; send again once "
                    + "reconnected", chat.clientMessageId());
        }
        Acceptance a = conversations.accept(chat);
        send(session, new ServerFrame.Accepted(chat.clientMessageId(), a.conversationId().toString(),
                a.userMessageId().toString(), a.completionId().toString(), a.duplicate()));
        if (!a.duplicate()) {
            completions.begin(a, session.subscribe(a.completionId(), 0));
        }
    }

    private void reject(ChatSession session, ApiException e, String ref) {
        metrics.frameRejected();
        boolean retryable = e.retryable() || e.code() == ErrorCode.UNAVAILABLE;
        send(session, new ServerFrame.Error(e.code(), e.getMessage(), retryable, ref));
        if (e.code() == ErrorCode.RATE_LIMITED || e.code() == ErrorCode.TOO_LARGE) {
            if (++session.violations >= config.rateLimit().maxViolations()) {
                session.close(POLICY, "too many refused frames");
            }
        }
    }

    private void unsubscribe(Subscription s) {
        s.session.forget(s);
        CompletionRun run = live.find(s.completionId);
        if (run != null) {
            run.unsubscribe(s);
        }
    }

    private void send(ChatSession session, ServerFrame frame) {
        session.send(codec.encode(frame));
    }

    /** One pass over every connection: close the silent ones with 4408, ping the others when due. */
    private void sweep() {
        try {
            long now = System.currentTimeMillis();
            String ping = null;
            for (ChatSession session : sessions.values()) {
                if (now - session.lastFrameAt > timeoutMs) {
                    metrics.heartbeatClose();
                    session.close(HEARTBEAT_TIMEOUT, "no frame for " + timeoutMs + " ms");
                } else if (now - session.lastPingAt >= intervalMs) {
                    if (ping == null) {
                        ping = codec.encode(new ServerFrame.Ping(now));
                    }
                    session.lastPingAt = now;
                    session.send(ping);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("heartbeat sweep failed", e);
        }
    }

    /**
     * Runs first in shutdown (the pre-shutdown phase, before the HTTP server closes its sockets): running completions
     * end interrupted, then every socket closes with 1001.
     */
    void onShutdownStarts(@Observes ShutdownDelayInitiatedEvent event) {
        stop();
    }

    /** The same, where no pre-shutdown phase ran (tests, dev mode). */
    void onShutdown(@Observes @Priority(1) ShutdownEvent event) {
        stop();
    }

    private void stop() {
        sweeper.shutdownNow();
        completions.stop();
        for (ChatSession session : sessions.values()) {
            session.close(GOING_AWAY, "the service is shutting down");
        }
    }

    private static String refOf(ClientFrame frame) {
        if (frame instanceof ClientFrame.Chat c) {
            return c.clientMessageId();
        }
        if (frame instanceof ClientFrame.Resume r) {
            return r.completionId();
        }
        if (frame instanceof ClientFrame.Cancel c) {
            return c.completionId();
        }
        return null;
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

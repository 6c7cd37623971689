package dev.mooring.chat;

import dev.mooring.api.Caller;
import dev.mooring.protocol.FrameCodec;
import dev.mooring.protocol.ServerFrame;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocketConnection;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The state of one open connection, kept in the connection's own user data: when it last spoke, its frame budget,
 * its subscriptions, the conversations it follows and its unwritten frames ({@link Outbox}). A connection that cannot
 * keep up with live frames is closed (the client resumes from its last seq); it never slows a completion.
 */
final class ChatSession {

    private static final UserData.TypedKey<ChatSession> KEY = new UserData.TypedKey<>("mooring.chat-session");
    /** Put there by the upgrade check: the user this connection acts for. */
    private static final UserData.TypedKey<String> USER = UserData.TypedKey.forString(Caller.CONNECTION_KEY);

    /** Close code for a client too slow to take its frames: it should reconnect and resume. */
    static final int TRY_AGAIN_LATER = 1013;

    final WebSocketConnection connection;
    final TokenBucket bucket;
    volatile long lastFrameAt;
    long lastPingAt;
    int violations;
    /** The answers this connection asked for that may still run; only its inbound thread touches it. */
    final Set<UUID> started = new HashSet<>();
    private final FrameCodec codec;
    private final Outbox outbox;
    private final Map<UUID, Subscription> subscriptions = new ConcurrentHashMap<>(4);
    /** The conversations it follows (see {@link Followers}). */
    final Set<UUID> following = ConcurrentHashMap.newKeySet(2);
    private final Consumer<Subscription> onReplaced;
    private final Runnable onTooSlow;
    private final AtomicBoolean tooSlow = new AtomicBoolean();

    private ChatSession(WebSocketConnection connection, FrameCodec codec, TokenBucket bucket, int maxPending,
                        long maxQueuedChars, long now, Consumer<Subscription> onReplaced, Runnable onTooSlow) {
        this.connection = connection;
        this.codec = codec;
        this.bucket = bucket;
        this.outbox = new Outbox(connection, maxPending, maxQueuedChars, this::tooSlow);
        this.lastFrameAt = now;
        this.lastPingAt = now;
        this.onReplaced = onReplaced;
        this.onTooSlow = onTooSlow;
    }

    /**
     * Opens the session of {@code connection}.
     *
     * @param onReplaced called with a subscription that a newer one to the same completion replaces
     * @param onTooSlow  called once if the connection is closed for leaving too many frames unread
     */
    static ChatSession open(WebSocketConnection connection, FrameCodec codec, TokenBucket bucket, int maxPending,
                            long maxQueuedChars, Consumer<Subscription> onReplaced, Runnable onTooSlow) {
        ChatSession session = new ChatSession(connection, codec, bucket, maxPending, maxQueuedChars,
                System.currentTimeMillis(), onReplaced, onTooSlow);
        connection.userData().put(KEY, session);
        return session;
    }

    /** The session of a connection, or null before it opened. */
    static ChatSession of(WebSocketConnection connection) {
        return connection.userData().get(KEY);
    }

    String id() {
        return connection.id();
    }

    /** The user this connection acts for (see {@link Caller}). */
    String user() {
        String user = connection.userData().get(USER);
        if (user == null) {
            throw new IllegalStateException("connection " + id() + " has no user: the upgrade check did not run");
        }
        return user;
    }

    void send(ServerFrame frame) {
        send(frame, false);
    }

    void send(String frame) {
        send(frame, false);
    }

    void send(ServerFrame frame, boolean replayed) {
        send(codec.encode(frame), replayed);
    }

    /**
     * Queues a frame for writing. A live frame closes the connection instead if too many live ones are unwritten;
     * a replayed one never does (a replay is only as long as the answer, and is written as the socket drains).
     */
    void send(String frame, boolean replayed) {
        outbox.add(frame, replayed);
    }

    private void tooSlow() {
        if (tooSlow.compareAndSet(false, true)) {
            onTooSlow.run();
            close(TRY_AGAIN_LATER, "too slow to read; reconnect and resume");
        }
    }

    void close(int code, String reason) {
        if (!connection.isClosed()) {
            connection.close(new CloseReason(code, reason)).subscribe().with(v -> { }, e -> { });
        }
    }

    /**
     * A new subscription to {@code completionId} from {@code afterSeq}, replacing any earlier one of this connection.
     * What it is sent counts as a replay until {@link #caughtUp} says the backlog was handed over.
     */
    private Subscription subscribe(UUID completionId, long afterSeq) {
        Subscription s = new Subscription(this, completionId, afterSeq);
        Subscription earlier = subscriptions.put(completionId, s);
        if (earlier != null) {
            onReplaced.accept(earlier);
        }
        return s;
    }

    /**
     * Subscribes to {@code completionId} from {@code afterSeq} through {@code attach}, which replays the backlog to
     * the subscription before it returns; what the subscription is sent after that is live.
     */
    void follow(UUID completionId, long afterSeq, Consumer<Supplier<Subscription>> attach) {
        Subscription[] made = new Subscription[1];
        attach.accept(() -> made[0] = subscribe(completionId, afterSeq));
        if (made[0] != null) {
            made[0].caughtUp();
        }
    }

    /** The connection closed: frames not yet written are dropped. */
    void discardUnwritten() {
        outbox.discard();
    }

    boolean following(UUID completionId) {
        return subscriptions.containsKey(completionId);
    }

    /** The subscription ended (its end was sent): drop it. */
    void forget(Subscription s) {
        subscriptions.remove(s.completionId, s);
    }

    /** Every subscription, for the connection's close. */
    Iterable<Subscription> subscriptions() {
        return subscriptions.values();
    }
}

package dev.mooring.chat;

import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One open connection: when it last spoke, its frame budget, its subscriptions and its unwritten frames. A
 * connection that cannot keep up is closed (the client resumes from its last seq); it never slows a completion.
 */
final class ChatSession {

    /** Close code for a client too slow to take its frames: it should reconnect and resume. */
    static final int TRY_AGAIN_LATER = 1013;

    final WebSocketConnection connection;
    final String id;
    final TokenBucket bucket;
    volatile long lastFrameAt;
    long lastPingAt;
    int violations;
    private final int maxPending;
    private final AtomicInteger pending = new AtomicInteger();
    private final Consumer<Void> written;
    private final Consumer<Throwable> failed;
    private final Map<UUID, Subscription> subscriptions = new ConcurrentHashMap<>(4);
    private final Consumer<Subscription> onForget;

    ChatSession(WebSocketConnection connection, TokenBucket bucket, int maxPending, long now,
                Consumer<Subscription> onForget) {
        this.connection = connection;
        this.id = connection.id();
        this.bucket = bucket;
        this.maxPending = maxPending;
        this.lastFrameAt = now;
        this.lastPingAt = now;
        this.onForget = onForget;
        this.written = v -> pending.decrementAndGet();
        this.failed = e -> pending.decrementAndGet();
    }

    /** Queues a frame for writing; closes the connection instead if too many are unwritten. */
    void send(String frame) {
        if (connection.isClosed()) {
            return;
        }
        if (pending.incrementAndGet() > maxPending) {
            pending.decrementAndGet();
            close(TRY_AGAIN_LATER, "too slow to read; reconnect and resume");
            return;
        }
        connection.sendText(frame).subscribe().with(written, failed);
    }

    void close(int code, String reason) {
        if (!connection.isClosed()) {
            connection.close(new CloseReason(code, reason)).subscribe().with(v -> { }, e -> { });
        }
    }

    /** A new subscription to {@code completionId} from {@code afterSeq}, replacing any earlier one of this connection. */
    Subscription subscribe(UUID completionId, long afterSeq) {
        Subscription s = new Subscription(this, completionId, afterSeq);
        Subscription earlier = subscriptions.put(completionId, s);
        if (earlier != null) {
            onForget.accept(earlier);
        }
        return s;
    }

    boolean following(UUID completionId) {
        return subscriptions.containsKey(completionId);
    }

    /** The subscription ended (done sent) or failed: drop it. */
    void forget(Subscription s) {
        subscriptions.remove(s.completionId, s);
    }

    /** Every subscription, for the connection's close. */
    Iterable<Subscription> subscriptions() {
        return subscriptions.values();
    }
}

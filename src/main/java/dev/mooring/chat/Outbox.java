package dev.mooring.chat;

import io.quarkus.websockets.next.WebSocketConnection;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The frames of one connection on their way to its socket, in order: at most {@link #WINDOW} handed to the socket
 * and not yet written, the rest queued until those drain, so a replay of any length goes out at the client's pace.
 * Too many live frames unwritten (queued or in the socket) mean a client that does not read.
 */
final class Outbox {

    /** Frames handed to the socket at once; the next ones go as these are written. */
    static final int WINDOW = 256;

    private record Frame(String text, boolean replayed) { }

    private final WebSocketConnection connection;
    private final int maxLive;
    private final Runnable onTooSlow;
    private final ArrayDeque<Frame> queued = new ArrayDeque<>();
    private final Consumer<Void> liveWritten = v -> written(false);
    private final Consumer<Throwable> liveFailed = e -> written(false);
    private final Consumer<Void> replayWritten = v -> written(true);
    private final Consumer<Throwable> replayFailed = e -> written(true);
    private int inSocket;
    /** Live frames queued or in the socket. */
    private int live;
    /** Whether a thread is handing frames to the socket: it takes every frame queued meanwhile. */
    private boolean pumping;
    private boolean discarded;

    /** @param onTooSlow run (once or more) when more than {@code maxLive} live frames are unwritten */
    Outbox(WebSocketConnection connection, int maxLive, Runnable onTooSlow) {
        this.connection = connection;
        this.maxLive = maxLive;
        this.onTooSlow = onTooSlow;
    }

    void add(String text, boolean replayed) {
        boolean tooSlow = false;
        synchronized (this) {
            if (discarded || connection.isClosed()) {
                return;
            }
            if (!replayed && live >= maxLive) {
                tooSlow = true;
            } else {
                queued.add(new Frame(text, replayed));
                if (!replayed) {
                    live++;
                }
            }
        }
        if (tooSlow) {
            onTooSlow.run();
            return;
        }
        pump();
    }

    /** The connection closed: what is queued is dropped. */
    synchronized void discard() {
        discarded = true;
        queued.clear();
    }

    private void written(boolean replayed) {
        synchronized (this) {
            inSocket--;
            if (!replayed) {
                live--;
            }
        }
        pump();
    }

    /**
     * Hands queued frames to the socket while the window has room. One thread at a time, so frames go in queue
     * order; a write that completes at once (on the event loop) only notes it here, and the loop goes on.
     */
    private void pump() {
        synchronized (this) {
            if (pumping) {
                return;
            }
            pumping = true;
        }
        while (true) {
            Frame next;
            synchronized (this) {
                if (inSocket >= WINDOW || queued.isEmpty()) {
                    pumping = false;
                    return;
                }
                next = queued.poll();
                inSocket++;
            }
            try {
                connection.sendText(next.text()).subscribe().with(next.replayed() ? replayWritten : liveWritten,
                        next.replayed() ? replayFailed : liveFailed);
            } catch (RuntimeException e) {
                written(next.replayed());
            }
        }
    }
}

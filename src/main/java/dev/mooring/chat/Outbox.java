package dev.mooring.chat;

import io.quarkus.websockets.next.WebSocketConnection;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The frames of one connection on their way to its socket, in order: at most {@link #WINDOW} handed to the socket
 * and not yet written, the rest queued until those drain, so a long replay goes out at the client's pace. Too many
 * live frames unwritten (queued or in the socket), or too many characters queued (replays included: a client that
 * resumes answer after answer and reads nothing), mean a client that does not read.
 */
final class Outbox {

    /** Frames handed to the socket at once; the next ones go as these are written. */
    static final int WINDOW = 256;

    private record Frame(String text, boolean replayed) { }

    private final WebSocketConnection connection;
    private final int maxLive;
    private final long maxQueuedChars;
    private final Runnable onTooSlow;
    private final ArrayDeque<Frame> queued = new ArrayDeque<>();
    private final Consumer<Void> liveWritten = v -> written(false);
    private final Consumer<Throwable> liveFailed = e -> written(false);
    private final Consumer<Void> replayWritten = v -> written(true);
    private final Consumer<Throwable> replayFailed = e -> written(true);
    private int inSocket;
    private long queuedChars;
    /** Live frames queued or in the socket. */
    private int live;
    /** Whether a thread is handing frames to the socket: it takes every frame queued meanwhile. */
    private boolean pumping;
    private boolean discarded;

    /**
     * @param onTooSlow run (once or more) when more than {@code maxLive} live frames are unwritten, or more than
     *                  {@code maxQueuedChars} characters wait for the socket
     */
    Outbox(WebSocketConnection connection, int maxLive, long maxQueuedChars, Runnable onTooSlow) {
        this.connection = connection;
        this.maxLive = maxLive;
        this.maxQueuedChars = maxQueuedChars;
        this.onTooSlow = onTooSlow;
    }

    void add(String text, boolean replayed) {
        boolean tooSlow = false;
        synchronized (this) {
            if (discarded || connection.isClosed()) {
                return;
            }
            if ((!replayed && live >= maxLive) || queuedChars + text.length() > maxQueuedChars) {
                tooSlow = true;
            } else {
                queued.add(new Frame(text, replayed));
                queuedChars += text.length();
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
        queuedChars = 0;
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
                queuedChars -= next.text().length();
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

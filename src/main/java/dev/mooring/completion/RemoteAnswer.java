package dev.mooring.completion;

import dev.mooring.cluster.AnswerRelay;

import java.util.TreeMap;
import java.util.UUID;

/**
 * An answer another node runs, as this node mirrors it for its own subscribers: the chunks known so far (from the
 * database, then from the relay), contiguous from seq 1; the relay's chunks that arrived ahead of a gap, until the
 * database fills it; and at last the stored end. Every event happens under this object's monitor, so a subscriber's
 * replay and its live chunks never overlap or leave a hole.
 */
final class RemoteAnswer implements AnswerRelay.RelayListener {

    private final UUID id;
    private final UUID messageId;
    private final ChunkLog log = new ChunkLog();
    private final TreeMap<Long, String> ahead = new TreeMap<>();
    private final Subscribers subscribers = new Subscribers();
    private final Runnable checkSoon;
    private CompletionEnd end;
    /** The relay broke or left a gap since the last look at the database: look again soon. */
    private boolean doubtful = true;
    private long nextCheckMillis;

    /** The mirror of {@code stored}; {@code checkSoon} asks for a look at the database out of the relay's thread. */
    RemoteAnswer(StoredCompletion stored, Runnable checkSoon) {
        this.id = stored.id();
        this.messageId = stored.messageId();
        this.checkSoon = checkSoon;
        log.appendAfter(stored);
    }

    UUID id() {
        return id;
    }

    /** The last seq known here: where the relay is read from. */
    synchronized long known() {
        return log.lastSeq();
    }

    /** Replays the known chunks after {@code afterSeq}, then follows (or tells the end); returns how many it replayed. */
    synchronized long subscribe(Subscriber subscriber, long afterSeq) {
        long upTo = end == null ? log.lastSeq() : Math.min(log.lastSeq(), end.lastSeq());
        for (long seq = afterSeq + 1; seq <= upTo; seq++) {
            subscriber.chunk(new Chunk(id, seq, log.chunk(seq)));
        }
        if (end != null) {
            subscriber.end(end);
        } else {
            subscribers.add(subscriber);
        }
        return Math.max(0, upTo - afterSeq);
    }

    /** Drops a subscriber; returns true when none is left and the answer has not ended (nobody needs it here). */
    synchronized boolean unsubscribe(Subscriber subscriber) {
        subscribers.remove(subscriber);
        return subscribers.isEmpty() && end == null;
    }

    @Override
    public synchronized void chunk(long seq, String delta) {
        if (end != null || seq <= log.lastSeq()) {
            return;
        }
        ahead.put(seq, delta);
        takeAhead();
        if (!ahead.isEmpty()) {
            doubtful = true;
        }
    }

    @Override
    public void ended(long lastSeq) {
        checkSoon.run();
    }

    @Override
    public synchronized void broken() {
        doubtful = true;
    }

    /** Whether the database should be read for it now: an end it has not seen, a gap, a lease running out. */
    synchronized boolean due(long now) {
        return end == null && now >= nextCheckMillis;
    }

    /**
     * What the database holds of it: its progress fills what the relay missed, its end (if it has one) is told to
     * every subscriber after the chunks up to it. Returns true when it has ended.
     */
    synchronized boolean apply(StoredCompletion stored, long now, long quietMillis, long doubtfulMillis) {
        if (end != null) {
            return true;
        }
        long before = log.lastSeq();
        log.appendAfter(stored);
        for (long seq = before + 1; seq <= log.lastSeq(); seq++) {
            subscribers.chunk(new Chunk(id, seq, log.chunk(seq)));
        }
        takeAhead();
        doubtful = !ahead.isEmpty();
        if (stored.status() == CompletionStatus.RUNNING) {
            nextCheckMillis = now + (doubtful ? doubtfulMillis : quietMillis);
            return false;
        }
        end = stored.end();
        subscribers.end(end);
        return true;
    }

    /** The answer is gone from the database (its conversation was deleted): it ends cancelled where it stood. */
    synchronized void vanished() {
        if (end == null) {
            end = new CompletionEnd(id, CompletionStatus.CANCELLED, log.lastSeq(), messageId, null);
            subscribers.end(end);
        }
    }

    /** Moves the relay's chunks that now follow the log into it, handing each to the subscribers. */
    private void takeAhead() {
        while (!ahead.isEmpty() && ahead.firstKey() <= log.lastSeq() + 1) {
            var first = ahead.pollFirstEntry();
            if (first.getKey() == log.lastSeq() + 1) {
                long seq = log.append(first.getValue());
                subscribers.chunk(new Chunk(id, seq, first.getValue()));
            }
        }
    }
}

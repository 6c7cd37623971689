package dev.mooring.completion;

import dev.mooring.cluster.AnswerRelay;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

/**
 * One subscriber following an answer that another live node runs: first what the store holds after the resume
 * point, then the relay's entries, each seq once and in order. A seq the relay skipped (lost entries, a broken
 * connection) and a tool event wait for the store, read at the next {@link #catchUp} once a checkpoint covers them;
 * the end is always the stored one, with whatever the store holds beyond what was sent before it. Relayed entries
 * arrive on the relay's reader thread, store reads on the caller's; both deliver under this object's monitor.
 */
final class RelayedFollow implements AnswerRelay.RelayListener {

    /** Calls of {@link #catchUp} without a relayed entry before the store is read (the owner may be dead). */
    static final int QUIET_CALLS = 5;

    /** What a catch-up reads: the answer as stored (settled first if its owner's lease ran out), and its events. */
    interface StoreReads {
        /** Null once the answer is gone (its conversation was deleted). */
        StoredCompletion settledNow(UUID id);

        List<ToolEvent> events(UUID id);
    }

    private final UUID id;
    private final Subscriber subscriber;
    private final StoreReads store;
    private final Runnable onEnd;
    /** Relayed entries past a seq not sent yet; a null delta is a tool event, read from the store. */
    private final TreeMap<Long, String> ahead = new TreeMap<>();
    private long sent;
    private long storedSeq;
    private boolean ended;
    /** The end the owner relayed after storing it, and the answer's message (from the last store read). */
    private long relayedLastSeq = -1;
    private CompletionStatus relayedStatus;
    private UUID messageId;
    private boolean heard;
    private int quietCalls;
    private boolean storeWanted;

    /** @param afterSeq the last seq the subscriber holds; {@link Long#MAX_VALUE} to tell it the end alone */
    RelayedFollow(UUID id, long afterSeq, Subscriber subscriber, StoreReads store, Runnable onEnd) {
        this.id = id;
        this.sent = afterSeq;
        this.subscriber = subscriber;
        this.store = store;
        this.onEnd = onEnd;
    }

    @Override
    public synchronized void chunk(long seq, String delta) {
        heard = true;
        if (ended || seq <= sent) {
            return;
        }
        ahead.put(seq, delta);
        drain(null);
        storeWanted |= !ahead.isEmpty();
    }

    @Override
    public synchronized void event(long seq) {
        heard = true;
        if (!ended && seq > sent) {
            ahead.put(seq, null);
            storeWanted = true;
        }
    }

    @Override
    public synchronized void ended(long lastSeq, String status) {
        heard = true;
        storeWanted = true;
        relayedLastSeq = lastSeq;
        relayedStatus = statusOf(status);
    }

    @Override
    public synchronized void broken() {
        storeWanted = true;
    }

    /**
     * Reads the store when it is wanted ({@code always}, a gap, a tool event, the end or a broken relay), or when the
     * relay was quiet for {@value #QUIET_CALLS} calls: the owner may be dead (its lease, once run out, ends the
     * answer), or the answer waits for tool results.
     *
     * @return how many entries the store supplied
     */
    long catchUp(boolean always) {
        synchronized (this) {
            quietCalls = heard ? 0 : quietCalls + 1;
            heard = false;
            boolean quiet = quietCalls >= QUIET_CALLS;
            if (ended || !(always || storeWanted || quiet)) {
                return 0;
            }
            storeWanted = false;
            quietCalls = 0;
        }
        StoredCompletion stored = store.settledNow(id);
        if (stored == null) {
            synchronized (this) {
                if (!ended) {
                    ended = true;
                    tellRelayedEnd();
                    onEnd.run();
                }
            }
            return 0;
        }
        return deliverStored(stored, store.events(id));
    }

    /** Where to read the relay from: past what the subscriber holds and what the store held at the last read. */
    synchronized long relayFrom() {
        return Math.min(sent, storedSeq);
    }

    /** Whether the subscriber was told the end. */
    synchronized boolean ended() {
        return ended;
    }

    /** A relayed status as this node knows it; null for none or one it does not know (a newer node's). */
    private static CompletionStatus statusOf(String label) {
        try {
            return label == null ? null : CompletionStatus.ofLabel(label);
        } catch (IllegalArgumentException unknown) {
            return null;
        }
    }

    /**
     * The answer is gone from the store (its conversation was deleted) after its owner relayed the end it stored: the
     * subscriber is told that end, once every seq up to it was sent and when it carries no error (completed or
     * cancelled: a relayed end names its status alone). Otherwise it is told nothing, as before.
     */
    private void tellRelayedEnd() {
        drain(null);
        boolean noError = relayedStatus == CompletionStatus.COMPLETED || relayedStatus == CompletionStatus.CANCELLED;
        if (noError && messageId != null && sent == relayedLastSeq) {
            subscriber.end(new CompletionEnd(id, relayedStatus, sent, messageId, null));
        }
    }

    private synchronized long deliverStored(StoredCompletion stored, List<ToolEvent> events) {
        if (ended) {
            return 0;
        }
        messageId = stored.messageId();
        storedSeq = stored.lastSeq();
        Tracking tracking = new Tracking();
        stored.replayTo(tracking, Math.min(sent, stored.lastSeq()), events);
        if (!ended) {
            Map<Long, ToolEvent> bySeq = new HashMap<>();
            events.forEach(event -> bySeq.put(event.seq(), event));
            drain(bySeq::get);
            storeWanted |= !ahead.isEmpty();
        }
        return tracking.sentFromStore;
    }

    /** Sends the relayed entries that come next; a tool event only when {@code events} has it. */
    private void drain(Function<Long, ToolEvent> events) {
        ahead.headMap(sent, true).clear();
        while (!ahead.isEmpty() && ahead.firstKey() == sent + 1) {
            String delta = ahead.firstEntry().getValue();
            ToolEvent event = delta == null && events != null ? events.apply(sent + 1) : null;
            if (delta == null && event == null) {
                return;
            }
            ahead.pollFirstEntry();
            sent++;
            if (event != null) {
                subscriber.toolEvent(event);
            } else {
                subscriber.chunk(new Chunk(id, sent, delta));
            }
        }
    }

    /** Passes the store's replay on, noting what was sent and the end; seqs already sent are not sent again. */
    private final class Tracking implements Subscriber {
        long sentFromStore;

        @Override
        public void chunk(Chunk chunk) {
            if (chunk.seq() > sent) {
                sent = chunk.seq();
                sentFromStore++;
                subscriber.chunk(chunk);
            }
        }

        @Override
        public void toolEvent(ToolEvent event) {
            if (event.seq() > sent) {
                sent = event.seq();
                sentFromStore++;
                subscriber.toolEvent(event);
            }
        }

        @Override
        public void end(CompletionEnd end) {
            ended = true;
            ahead.clear();
            subscriber.end(end);
            onEnd.run();
        }
    }
}

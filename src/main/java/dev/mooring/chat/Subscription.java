package dev.mooring.chat;

import dev.mooring.completion.Subscriber;

import java.util.UUID;

/** One connection following one completion. Remembers the last seq it sent; never sends a seq twice. */
final class Subscription implements Subscriber {

    final ChatSession session;
    final UUID completionId;
    private long lastSent;

    Subscription(ChatSession session, UUID completionId, long afterSeq) {
        this.session = session;
        this.completionId = completionId;
        this.lastSent = afterSeq;
    }

    @Override
    public void deliver(long seq, String chunkFrame) {
        if (seq <= lastSent) {
            return;
        }
        lastSent = seq;
        session.send(chunkFrame);
    }

    @Override
    public void end(String doneFrame) {
        session.send(doneFrame);
        session.forget(this);
    }
}

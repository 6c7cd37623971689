package dev.mooring.chat;

import dev.mooring.completion.Chunk;
import dev.mooring.completion.CompletionEnd;
import dev.mooring.completion.Subscriber;
import dev.mooring.completion.ToolEvent;

import java.util.UUID;

/**
 * One connection following one completion. Remembers the last seq it sent; never sends a seq twice. What it sends
 * before its replay was handed over is a replay: written as the socket drains, however long.
 */
final class Subscription implements Subscriber {

    final ChatSession session;
    final UUID completionId;
    private long lastSent;
    private volatile boolean replaying = true;

    Subscription(ChatSession session, UUID completionId, long afterSeq) {
        this.session = session;
        this.completionId = completionId;
        this.lastSent = afterSeq;
    }

    /** The backlog was handed over: what follows is live, and counts if the client does not read it. */
    void caughtUp() {
        replaying = false;
    }

    @Override
    public void chunk(Chunk chunk) {
        if (chunk.seq() <= lastSent) {
            return;
        }
        lastSent = chunk.seq();
        session.send(chunk.rendered(Translation::chunk), replaying);
    }

    @Override
    public void toolEvent(ToolEvent event) {
        if (event.seq() <= lastSent) {
            return;
        }
        lastSent = event.seq();
        session.send(Translation.toolEvent(event), replaying);
    }

    @Override
    public void end(CompletionEnd end) {
        session.send(Translation.done(end), replaying);
        session.forget(this);
    }
}

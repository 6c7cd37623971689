package dev.mooring.chat;

import dev.mooring.completion.Chunk;
import dev.mooring.completion.CompletionEnd;
import dev.mooring.completion.Subscriber;
import dev.mooring.completion.ToolEvent;

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
    public void chunk(Chunk chunk) {
        if (chunk.seq() <= lastSent) {
            return;
        }
        lastSent = chunk.seq();
        session.send(chunk.rendered(Translation::chunk));
    }

    @Override
    public void toolEvent(ToolEvent event) {
        if (event.seq() <= lastSent) {
            return;
        }
        lastSent = event.seq();
        session.send(Translation.toolEvent(event));
    }

    @Override
    public void end(CompletionEnd end) {
        session.send(Translation.done(end));
        session.forget(this);
    }
}

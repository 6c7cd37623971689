package dev.mooring.completion;

import dev.mooring.cluster.AnswerRelay;

/** A run's subscriber that hands its chunks, then its stored end, to the relay: for nodes that follow it. */
final class RelayFeed implements Subscriber {

    private final AnswerRelay relay;

    RelayFeed(AnswerRelay relay) {
        this.relay = relay;
    }

    @Override
    public void chunk(Chunk chunk) {
        relay.append(chunk.completionId(), chunk.seq(), chunk.delta());
    }

    @Override
    public void end(CompletionEnd end) {
        relay.ended(end.completionId(), end.lastSeq());
    }
}

package dev.mooring.completion;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The owner of runs a test drives by hand: it keeps each run's final state and stores nothing. */
final class EndRecorder implements RunOwner {

    final List<FinalState> ended = new ArrayList<>();

    /** A run of this owner, not in agent mode. */
    CompletionRun run(UUID id, UUID conversationId, UUID messageId) {
        return new CompletionRun(id, conversationId, messageId, "", this, null);
    }

    @Override
    public void ended(CompletionRun run, FinalState state) {
        ended.add(state);
    }

    @Override
    public void paused(CompletionRun run, Progress progress, List<ToolEvent> calls) {
    }

    @Override
    public int maxSteps() {
        return 0;
    }
}

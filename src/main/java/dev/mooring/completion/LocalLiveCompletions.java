package dev.mooring.completion;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.Collections;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** The single-node {@link LiveCompletions}: a concurrent map. */
@ApplicationScoped
class LocalLiveCompletions implements LiveCompletions {

    private final ConcurrentHashMap<UUID, CompletionRun> runs = new ConcurrentHashMap<>();

    @Override
    public void add(CompletionRun run) {
        runs.put(run.id(), run);
    }

    @Override
    public CompletionRun addIfAbsent(CompletionRun run) {
        CompletionRun held = runs.putIfAbsent(run.id(), run);
        return held == null ? run : held;
    }

    @Override
    public CompletionRun find(UUID id) {
        return runs.get(id);
    }

    @Override
    public void remove(UUID id) {
        runs.remove(id);
    }

    @Override
    public Collection<CompletionRun> all() {
        return Collections.unmodifiableCollection(runs.values());
    }
}

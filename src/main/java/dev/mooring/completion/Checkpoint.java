package dev.mooring.completion;

import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What a checkpoint pass stored: the completions whose progress the database refused (with why), and those it did
 * not write because they are no longer this process's to write (another node ended them after its lease ran out).
 */
record Checkpoint(Map<UUID, RuntimeException> refused, Set<UUID> lost) {

    static final Checkpoint NOTHING = new Checkpoint(Map.of(), Set.of());
}

package dev.mooring.completion;

import dev.mooring.api.RedactedFailure;
import dev.mooring.config.ChatConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Ends agent answers whose tool call waited longer than {@code chat.agent.tool-timeout} for its result: {@code failed}
 * with {@code tool_timeout}, never an endless wait. It looks at the runs held here and at the store (answers that
 * waited through a restart and were not touched since).
 */
@ApplicationScoped
class ToolWaits {

    private static final Logger LOG = Logger.getLogger(ToolWaits.class);

    private final LiveCompletions live;
    private final CompletionStore store;
    private final AgentStore agentStore;
    private final CompletionRunner runner;
    private final ChatConfig config;

    ToolWaits(LiveCompletions live, CompletionStore store, AgentStore agentStore, CompletionRunner runner,
              ChatConfig config) {
        this.live = live;
        this.store = store;
        this.agentStore = agentStore;
        this.runner = runner;
        this.config = config;
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void expire() {
        if (runner.stopping()) {
            return;
        }
        Duration limit = config.agent().toolTimeout();
        Instant deadline = Instant.now().minus(limit);
        try {
            for (CompletionRun run : live.all()) {
                Instant since = run.waitingSince();
                if (since != null && since.isBefore(deadline)) {
                    run.end(CompletionStatus.FAILED, CompletionError.toolTimeout(limit));
                }
            }
            for (UUID id : agentStore.waitingBefore(deadline)) {
                if (live.find(id) == null) {
                    store.find(id).map(runner::restore)
                            .ifPresent(run -> run.end(CompletionStatus.FAILED, CompletionError.toolTimeout(limit)));
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf(RedactedFailure.of(e), "the sweep for agent answers that waited too long failed; it runs again");
        }
    }
}

package dev.mooring.completion;

import dev.mooring.api.RedactedFailure;
import dev.mooring.config.ChatConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Makes running completions durable: on start-up, marks {@code interrupted} what a previous process left running;
 * then, every checkpoint interval, writes the new chunks of every completion that changed, all in one transaction
 * (row by row when the database refuses the batch, so one bad row holds back only itself), and renews this node's
 * lease on what it runs (a run whose row is no longer this process's, because another node ended it, ends with the
 * stored end); and, every lease, interrupts what dead nodes left running.
 */
@ApplicationScoped
class Checkpointer {

    private static final Logger LOG = Logger.getLogger(Checkpointer.class);

    private final CompletionStore store;
    private final LiveCompletions live;
    private final ChatConfig config;
    private long lastLeaseRenewal;
    private boolean failing;
    private final Set<UUID> refusedRows = new HashSet<>();
    private ScheduledFuture<?> loop;

    Checkpointer(CompletionStore store, LiveCompletions live, ChatConfig config) {
        this.store = store;
        this.live = live;
        this.config = config;
    }

    /**
     * Passes run on Quarkus's own scheduled executor with a fixed delay, so two never overlap. (The scheduler
     * extension checks its triggers once a second: too coarse for a 200 ms interval.)
     */
    void onStart(@Observes StartupEvent event, ScheduledExecutorService executor) {
        int interrupted = store.interruptOrphans(config.nodeName(), Instant.now());
        if (interrupted > 0) {
            LOG.infof("marked %d completion(s) left running by a previous process as interrupted", interrupted);
        }
        long period = config.completions().checkpointInterval().toMillis();
        loop = executor.scheduleWithFixedDelay(this::pass, period, period, TimeUnit.MILLISECONDS);
    }

    /** One checkpoint pass; called directly by tests that want a write now. */
    void pass() {
        try {
            long now = System.currentTimeMillis();
            long lease = config.completions().lease().toMillis();
            boolean renew = now - lastLeaseRenewal >= lease / 3;
            List<CompletionRun> runs = new ArrayList<>();
            List<Progress> batch = new ArrayList<>();
            for (CompletionRun run : live.all()) {
                Progress p = run.progress(renew);
                if (p != null) {
                    runs.add(run);
                    batch.add(p);
                }
            }
            if (!batch.isEmpty()) {
                Checkpoint stored = store.checkpoint(batch, config.nodeName(), Instant.ofEpochMilli(now + lease));
                for (int i = 0; i < runs.size(); i++) {
                    CompletionRun run = runs.get(i);
                    if (stored.lost().contains(run.id())) {
                        settleUnwritten(run, batch.get(i));
                    } else if (!stored.refused().containsKey(run.id())) {
                        run.checkpointed(batch.get(i).lastSeq());
                    }
                }
                noteRefused(stored.refused());
            }
            if (renew) {
                lastLeaseRenewal = now;
            }
            if (failing) {
                failing = false;
                LOG.info("checkpoints are stored again");
            }
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true;
                LOG.warnf(RedactedFailure.of(e), "a checkpoint pass failed; every pass writes the progress again "
                        + "until one succeeds");
            }
        }
    }

    /**
     * A run whose row the checkpoint did not write: if another node ended the answer while this one could not renew
     * its lease, the run ends too, and tells the stored end. If the row holds more than the run knows is stored (a
     * pass whose commit was reported failed had been applied), the run learns it, and the next pass writes only what
     * comes after. Any other such row is left alone: its insert has not committed yet, or the run itself has just
     * paused it to wait for tool results.
     */
    private void settleUnwritten(CompletionRun run, Progress progress) {
        store.find(run.id()).ifPresent(stored -> {
            if (stored.status().ended()) {
                run.end(CompletionStatus.INTERRUPTED, CompletionError.interrupted());
            } else if (stored.status() == CompletionStatus.RUNNING && stored.lastSeq() >= progress.firstSeq()) {
                run.checkpointed(stored.lastSeq());
            }
        });
    }

    /** Logs each completion whose row the database refuses once, when it starts refusing it. */
    private void noteRefused(Map<UUID, RuntimeException> refused) {
        refused.forEach((id, failure) -> {
            if (!refusedRows.contains(id)) {
                LOG.warnf(RedactedFailure.of(failure), "the database refused the progress of completion %s; the "
                        + "other answers were stored, and this one is tried again every pass", id);
            }
        });
        refusedRows.clear();
        refusedRows.addAll(refused.keySet());
    }

    /**
     * Completions of other nodes whose lease ran out (the node died) end {@code interrupted}. This node's own are
     * left alone: it runs them, and its lease may have run out only because its database was unreachable.
     */
    @Scheduled(every = "${chat.completions.lease}", delayed = "${chat.completions.lease}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void interruptExpired() {
        try {
            store.interruptExpired(config.nodeName(), Instant.now());
        } catch (RuntimeException e) {
            LOG.warnf(RedactedFailure.of(e), "the sweep for answers of dead nodes failed; it runs again in %s",
                    config.completions().lease());
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        if (loop != null) {
            loop.cancel(false);
        }
    }
}

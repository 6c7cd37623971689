package dev.mooring.completion;

import dev.mooring.config.ChatConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Makes running completions durable: on start-up, marks {@code interrupted} what a previous process left running;
 * then, every checkpoint interval, writes the progress of every completion that changed, all in one transaction, and
 * renews this node's lease on what it runs; and, every lease, interrupts what dead nodes left running.
 */
@ApplicationScoped
class Checkpointer {

    private static final Logger LOG = Logger.getLogger(Checkpointer.class);

    private final CompletionStore store;
    private final LiveCompletions live;
    private final ChatConfig config;
    private long lastLeaseRenewal;
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
                store.checkpoint(batch, config.nodeName(), Instant.ofEpochMilli(now + lease));
                for (int i = 0; i < runs.size(); i++) {
                    runs.get(i).checkpointed(batch.get(i).lastSeq());
                }
            }
            if (renew) {
                lastLeaseRenewal = now;
            }
        } catch (RuntimeException e) {
            LOG.warn("checkpoint pass failed; the next pass writes the progress again", e);
        }
    }

    /** Completions of nodes whose lease ran out (the node died) end {@code interrupted}. */
    @Scheduled(every = "${chat.completions.lease}", delayed = "${chat.completions.lease}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void interruptExpired() {
        store.interruptOrphans(null, Instant.now());
    }

    void onStop(@Observes ShutdownEvent event) {
        if (loop != null) {
            loop.cancel(false);
        }
    }
}

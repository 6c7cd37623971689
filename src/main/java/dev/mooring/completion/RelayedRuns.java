package dev.mooring.completion;

import dev.mooring.cluster.AnswerRelay;
import dev.mooring.config.ChatConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The owning node's side of the relay: every run held here appends its seq stream (chunks, and tool events by seq
 * alone) and, once its final state is stored, its end; a run that waits for tool results hands its subscribers to
 * the relay (another node may run its next turn); another node's cancel of a run held here cancels it; the streams
 * of running answers are kept from expiring. Nothing of it starts without a live relay.
 */
@ApplicationScoped
class RelayedRuns {

    private final AnswerRelay relay;
    private final LiveCompletions live;
    private final RemoteAnswers remote;
    private final ChatConfig config;
    private ScheduledFuture<?> keepAlive;

    RelayedRuns(AnswerRelay relay, LiveCompletions live, RemoteAnswers remote, ChatConfig config) {
        this.relay = relay;
        this.live = live;
        this.remote = remote;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event, ScheduledExecutorService executor) {
        if (!relay.live()) {
            return;
        }
        relay.onCancel(this::cancelHere);
        long period = Math.max(1000, config.completions().lease().toMillis() / 3);
        keepAlive = executor.scheduleWithFixedDelay(() -> relay.keepAlive(live.all().stream()
                .filter(CompletionRun::running).map(CompletionRun::id).toList()), period, period, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (keepAlive != null) {
            keepAlive.cancel(false);
        }
    }

    /** Appends what {@code run} streams from now on to the relay, until its end. */
    void publish(CompletionRun run) {
        if (relay.live()) {
            run.subscribeFromNow(new Forward(run.id()));
        }
    }

    /**
     * A run that now waits for tool results leaves this node's memory, and its subscribers follow it through the
     * store and the relay: whichever node takes its last result runs the next turn, and they hear it from there.
     */
    void waiting(CompletionRun run) {
        if (!relay.live()) {
            return;
        }
        CompletionRun.Released released = run.releaseWhileWaiting(Forward.class::isInstance);
        if (released == null) {
            return;
        }
        live.remove(run.id());
        released.subscribers().forEach(s -> remote.follow(run.id(), released.lastSeq(), s));
    }

    private void cancelHere(UUID id) {
        CompletionRun run = live.find(id);
        if (run != null) {
            run.cancel();
        }
    }

    /** One run's subscriber that appends to the relay (under the run's monitor: in seq order, never blocking). */
    private final class Forward implements Subscriber {
        private final UUID id;

        Forward(UUID id) {
            this.id = id;
        }

        @Override
        public void chunk(Chunk chunk) {
            relay.append(id, chunk.seq(), chunk.delta());
        }

        @Override
        public void toolEvent(ToolEvent event) {
            relay.appendEvent(id, event.seq());
        }

        @Override
        public void end(CompletionEnd end) {
            relay.ended(id, end.lastSeq(), end.status().label());
        }
    }
}

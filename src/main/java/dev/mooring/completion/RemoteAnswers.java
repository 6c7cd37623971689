package dev.mooring.completion;

import dev.mooring.cluster.AnswerRelay;
import dev.mooring.config.ChatConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * This node's subscribers of answers that other live nodes run, through the relay ({@link RelayedFollow}), and the
 * cancels it sends their owners. Each follow's store reads run every checkpoint interval on Quarkus's scheduled
 * executor, one at a time, until its end is told or its subscriber leaves.
 */
@ApplicationScoped
class RemoteAnswers implements RelayedFollow.StoreReads {

    private static final Logger LOG = Logger.getLogger(RemoteAnswers.class);

    private final AnswerRelay relay;
    private final CompletionStore store;
    private final AgentStore agentStore;
    private final ChatConfig config;
    private final ScheduledExecutorService scheduler;
    private final Map<Subscriber, Follow> follows = new ConcurrentHashMap<>();
    private final Map<UUID, Fanout> fanouts = new ConcurrentHashMap<>();

    RemoteAnswers(AnswerRelay relay, CompletionStore store, AgentStore agentStore, ChatConfig config,
                  ScheduledExecutorService scheduler) {
        this.relay = relay;
        this.store = store;
        this.agentStore = agentStore;
        this.config = config;
        this.scheduler = scheduler;
    }

    /** Whether answers travel between nodes (there is a relay). */
    boolean live() {
        return relay.live();
    }

    /** Whether {@code stored} runs on another node that is alive (its lease holds), and the relay can follow it. */
    boolean runsElsewhere(StoredCompletion stored) {
        return live() && stored.leaseHolds(Instant.now());
    }

    /**
     * Sends {@code subscriber} what the store holds after {@code afterSeq} ({@link Long#MAX_VALUE}: nothing but the
     * end), then follows the relay to the stored end; returns how many entries the store supplied at once.
     */
    long follow(UUID id, long afterSeq, Subscriber subscriber) {
        Follow follow = new Follow(id, subscriber);
        follow.follow = new RelayedFollow(id, afterSeq, subscriber, this, follow::close);
        follows.put(subscriber, follow);
        long replayed;
        synchronized (follow.follow) {
            replayed = follow.follow.catchUp(true);
            if (follow.follow.ended()) {
                return replayed;
            }
            join(follow);
        }
        long period = Math.max(50, config.completions().checkpointInterval().toMillis());
        follow.ticks = scheduler.scheduleWithFixedDelay(() -> tick(follow), period, period, TimeUnit.MILLISECONDS);
        if (follow.closed) {
            follow.ticks.cancel(false);
        }
        return replayed;
    }

    /** The follow hears the relay through its answer's one subscription on this node, made by its first follow. */
    private void join(Follow follow) {
        fanouts.compute(follow.id, (id, fanout) -> {
            if (follow.closed) {
                return fanout;
            }
            Fanout joined = fanout != null ? fanout : new Fanout();
            joined.follows.add(follow.follow);
            if (fanout == null) {
                joined.subscription = relay.follow(id, follow.follow.relayFrom(), joined);
            }
            return joined;
        });
    }

    private void leave(Follow follow) {
        fanouts.computeIfPresent(follow.id, (id, fanout) -> {
            fanout.follows.remove(follow.follow);
            if (!fanout.follows.isEmpty()) {
                return fanout;
            }
            try {
                fanout.subscription.close();
            } catch (Exception e) {
                LOG.debugf(e, "closing a relay subscription failed");
            }
            return null;
        });
    }

    /** Asks the node that runs {@code stored} to cancel it. */
    void cancel(StoredCompletion stored) {
        relay.cancel(stored.ownerNode(), stored.id());
    }

    /**
     * Asks the node that runs {@code stored} to cancel it; completes once this node hears its end stored, or after
     * {@code wait} (the end then stays the owner's, or the lease's once it runs out).
     */
    CompletableFuture<Void> cancelled(StoredCompletion stored, Duration wait) {
        CompletableFuture<Void> ended = new CompletableFuture<>();
        Subscriber endOnly = new Subscriber() {
            @Override
            public void chunk(Chunk chunk) {
            }

            @Override
            public void toolEvent(ToolEvent event) {
            }

            @Override
            public void end(CompletionEnd end) {
                ended.complete(null);
            }
        };
        follow(stored.id(), Long.MAX_VALUE, endOnly);
        cancel(stored);
        return ended.completeOnTimeout(null, wait.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((v, e) -> stop(endOnly));
    }

    /**
     * Reads the store now for every follow of {@code id} on this node, so that each is told the end stored for it
     * before something else (a deletion) removes it; a follow otherwise reads it at its next tick.
     */
    void settleFollows(UUID id) {
        Fanout fanout = fanouts.get(id);
        if (fanout != null) {
            fanout.follows.forEach(follow -> {
                try {
                    follow.catchUp(true);
                } catch (RuntimeException e) {
                    LOG.debugf(e, "reading a followed answer from the store failed; its next tick tries again");
                }
            });
        }
    }

    /** Stops following for {@code subscriber}, if it follows a remote answer. */
    void stop(Subscriber subscriber) {
        Follow follow = follows.get(subscriber);
        if (follow != null) {
            follow.close();
        }
    }

    private void tick(Follow follow) {
        try {
            follow.follow.catchUp(false);
        } catch (RuntimeException e) {
            LOG.debugf(e, "reading a followed answer from the store failed; the next tick tries again");
        }
    }

    @Override
    public StoredCompletion settledNow(UUID id) {
        StoredCompletion stored = store.find(id).orElse(null);
        Instant now = Instant.now();
        if (stored != null && stored.status() == CompletionStatus.RUNNING && !stored.leaseHolds(now)) {
            store.interruptIfExpired(id, now);
            stored = store.find(id).orElse(null);
        }
        return stored;
    }

    @Override
    public List<ToolEvent> events(UUID id) {
        return agentStore.events(id);
    }

    /** One follow's parts: its state and its ticks; closed once, by its end or its subscriber's leaving. */
    private final class Follow {
        final UUID id;
        final Subscriber subscriber;
        RelayedFollow follow;
        volatile ScheduledFuture<?> ticks;
        volatile boolean closed;

        Follow(UUID id, Subscriber subscriber) {
            this.id = id;
            this.subscriber = subscriber;
        }

        void close() {
            if (closed) {
                return;
            }
            closed = true;
            follows.remove(subscriber, this);
            ScheduledFuture<?> t = ticks;
            if (t != null) {
                t.cancel(false);
            }
            leave(this);
        }
    }

    /** The relay's entries of one answer, passed to every follow of it on this node. */
    private static final class Fanout implements AnswerRelay.RelayListener {
        final Set<RelayedFollow> follows = new CopyOnWriteArraySet<>();
        AutoCloseable subscription;

        @Override
        public void chunk(long seq, String delta) {
            follows.forEach(f -> f.chunk(seq, delta));
        }

        @Override
        public void event(long seq) {
            follows.forEach(f -> f.event(seq));
        }

        @Override
        public void ended(long lastSeq, String status) {
            follows.forEach(f -> f.ended(lastSeq, status));
        }

        @Override
        public void broken() {
            follows.forEach(RelayedFollow::broken);
        }
    }
}

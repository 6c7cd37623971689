package dev.mooring.completion;

import dev.mooring.api.RedactedFailure;
import dev.mooring.cluster.AnswerRelay;
import dev.mooring.config.ChatConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * This node's subscribers of answers that other nodes run. Each such answer is mirrored once here
 * ({@link RemoteAnswer}): its stored progress, then the relay's chunks, gaps filled from the database. A pass every
 * checkpoint interval reads the database for the mirrors that are due: at once after the relay said the answer
 * ended, every interval while the relay is down or left a gap, every second otherwise. A mirror whose owner's lease
 * ran out is ended here ({@code interrupted}, with the stored text; the write is fenced by the lease, so of all the
 * nodes that try, one ends it, and never a running owner).
 */
@ApplicationScoped
class RemoteFollowers {

    private static final Logger LOG = Logger.getLogger(RemoteFollowers.class);
    private static final long QUIET_CHECK_MILLIS = 1000;

    private final CompletionStore store;
    private final AnswerRelay relay;
    private final ChatConfig config;
    private final Executor executor;
    private final Map<UUID, Followed> answers = new ConcurrentHashMap<>();
    private ScheduledFuture<?> loop;

    RemoteFollowers(CompletionStore store, AnswerRelay relay, ChatConfig config, Executor executor) {
        this.store = store;
        this.relay = relay;
        this.config = config;
        this.executor = executor;
    }

    /** A mirrored answer and its subscription to the relay. */
    private record Followed(RemoteAnswer answer, AutoCloseable relayed) {
    }

    void onStart(@Observes StartupEvent event, ScheduledExecutorService scheduler) {
        long period = config.completions().checkpointInterval().toMillis();
        loop = scheduler.scheduleWithFixedDelay(this::pass, period, period, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (loop != null) {
            loop.cancel(false);
        }
    }

    /**
     * Serves {@code subscriber} the answer {@code stored} (running on another node) after {@code afterSeq}, then its
     * live chunks and its end; returns how many chunks it replayed.
     */
    long follow(StoredCompletion stored, long afterSeq, Subscriber subscriber) {
        return mirror(stored).subscribe(subscriber, afterSeq);
    }

    /** Follows from the chunk that comes next: the subscriber hears of no earlier chunk. */
    void followFromNow(StoredCompletion stored, Subscriber subscriber) {
        RemoteAnswer answer = mirror(stored);
        answer.subscribe(subscriber, answer.known());
    }

    private RemoteAnswer mirror(StoredCompletion stored) {
        return answers.computeIfAbsent(stored.id(), id -> {
            RemoteAnswer answer = new RemoteAnswer(stored, () -> checkSoon(id));
            return new Followed(answer, relay.follow(id, answer.known(), answer));
        }).answer();
    }

    /** Stops the subscriber's delivery; a mirror nobody here follows any more is dropped. */
    void unsubscribe(UUID id, Subscriber subscriber) {
        Followed followed = answers.get(id);
        if (followed != null && followed.answer().unsubscribe(subscriber)) {
            forget(followed);
        }
    }

    private void checkSoon(UUID id) {
        try {
            executor.execute(() -> check(id));
        } catch (RejectedExecutionException stopping) {
            // the pass looks at it, or the service is stopping
        }
    }

    /** One look at every mirror that is due. */
    void pass() {
        long now = System.currentTimeMillis();
        for (Followed followed : answers.values()) {
            if (followed.answer().due(now)) {
                check(followed.answer().id());
            }
        }
    }

    /** Reads the stored answer and hands it to its mirror; ends it interrupted first if its owner's lease ran out. */
    private void check(UUID id) {
        Followed followed = answers.get(id);
        if (followed == null) {
            return;
        }
        try {
            Instant now = Instant.now();
            Optional<StoredCompletion> stored = store.find(id);
            if (stored.isPresent() && stored.get().status() == CompletionStatus.RUNNING
                    && !stored.get().runsElsewhere(now) && store.interruptIfExpired(id, now)) {
                LOG.infof("completion %s: its node's lease ran out; ended interrupted with its stored text", id);
                stored = store.find(id);
            }
            long interval = config.completions().checkpointInterval().toMillis();
            if (stored.isEmpty()) {
                followed.answer().vanished();
                forget(followed);
            } else if (followed.answer().apply(stored.get(), now.toEpochMilli(), QUIET_CHECK_MILLIS, interval)) {
                forget(followed);
            }
        } catch (RuntimeException e) {
            LOG.warnf(RedactedFailure.of(e), "reading completion %s for its followers failed; the next pass tries again",
                    id);
        }
    }

    private void forget(Followed followed) {
        if (answers.remove(followed.answer().id(), followed)) {
            try {
                followed.relayed().close();
            } catch (Exception e) {
                LOG.debugf("closing the relay's follow of %s: %s", followed.answer().id(), e);
            }
        }
    }
}

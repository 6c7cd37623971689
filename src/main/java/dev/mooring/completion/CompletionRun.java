package dev.mooring.completion;

import dev.mooring.api.ApiException;
import dev.mooring.api.Ids;
import dev.mooring.model.ModelError;
import dev.mooring.model.ModelRequest;
import dev.mooring.model.ModelStream;
import dev.mooring.model.ModelStreamListener;
import dev.mooring.model.ToolCall;
import dev.mooring.model.ToolResult;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * Owns one completion while it runs and for a while after: numbers the model's deltas (and, in agent mode, its tool
 * calls and their results), keeps them in memory, hands them to the subscribers, and ends once. Every event of this
 * completion (delta, tool event, subscribe, resume, end) happens under this object's own monitor, so a replay and
 * the live subscription that follows it can never miss one; no lock is shared between completions.
 */
final class CompletionRun implements ModelStreamListener {

    /** RUNNING: a model call runs · PAUSING: its calls are being stored · WAITING: for tool results. */
    private enum Phase { RUNNING, PAUSING, WAITING, ENDING, ENDED }

    /** What a tool result did: stored, stored as the last one the turn waited for, or already had. */
    enum ResultTaken { STORED, CONTINUE, DUPLICATE }

    /** Stores a result event; {@code last}: it is the last the turn waited for, so the answer runs again. */
    interface ResultWriter {
        AgentStore.ResultStored write(ToolEvent result, boolean last);
    }

    private static final Subscriber[] NONE = new Subscriber[0];
    /** The run's own objects (ids, builders, arrays' headers, the end), for {@link #retainedBytes}. */
    private static final long OBJECT_BYTES = 640;
    private static final long EVENT_BYTES = 256;

    private final UUID id;
    private final UUID conversationId;
    private final UUID messageId;
    private final String ownerUser;
    private final RunOwner owner;
    /** Agent mode's steps; null for other answers. */
    private final AgentTurns agent;

    private final StringBuilder text = new StringBuilder(256);
    private StringBuilder chunkLengths = new StringBuilder(64);
    /** offsets[s] is where the text of seq s+1 ends in {@link #text} (a tool event adds none). */
    private int[] offsets = new int[32];
    private final Map<Long, ToolEvent> events = new HashMap<>();
    private long lastSeq;
    /** Where the current model turn's text begins. */
    private int turnStart;
    private Phase phase = Phase.RUNNING;
    private Instant waitingSince;
    private Subscriber[] subscribers = NONE;
    private long checkpointedSeq;
    private CompletionEnd end;
    private ModelStream stream;
    private final CompletableFuture<CompletionStatus> finished = new CompletableFuture<>();

    /** @param request the question's request in agent mode (its steps are kept here), null otherwise */
    CompletionRun(UUID id, UUID conversationId, UUID messageId, String ownerUser, RunOwner owner,
                  ModelRequest request) {
        this.id = id;
        this.conversationId = conversationId;
        this.messageId = messageId;
        this.ownerUser = ownerUser;
        this.owner = owner;
        this.agent = request != null && request.agent() ? new AgentTurns(request) : null;
    }

    /** A run waiting for tool results, as the store holds it (after a restart): its log and steps rebuilt. */
    static CompletionRun waiting(StoredCompletion stored, List<ToolEvent> storedEvents, ModelRequest request,
                                 Instant since, RunOwner owner) {
        CompletionRun run = new CompletionRun(stored.id(), stored.conversationId(), stored.messageId(),
                stored.ownerUser(), owner, request);
        Map<Long, ToolEvent> bySeq = new HashMap<>();
        storedEvents.forEach(event -> bySeq.put(event.seq(), event));
        ChunkCursor chunks = stored.chunks();
        boolean turnOpen = false;
        for (long seq = 1; seq <= stored.lastSeq(); seq++) {
            ToolEvent event = bySeq.get(seq);
            if (event == null) {
                run.appendChunk(chunks.next());
                turnOpen = false;
                continue;
            }
            if (event.call() != null && !turnOpen) {
                run.agent.startTurn(run.text.substring(run.turnStart));
                run.turnStart = run.text.length();
                turnOpen = true;
            }
            run.append(event);
            if (event.result() != null) {
                turnOpen = false;
            }
        }
        run.checkpointedSeq = run.lastSeq;
        run.phase = Phase.WAITING;
        run.waitingSince = since;
        return run;
    }

    UUID id() {
        return id;
    }

    /** Whose answer it is. */
    String ownerUser() {
        return ownerUser;
    }

    /** Binds the provider's stream, cancelling it at once if the completion already ended. */
    void attach(ModelStream modelStream) {
        boolean ended;
        synchronized (this) {
            stream = modelStream;
            ended = phase != Phase.RUNNING;
        }
        if (ended) {
            modelStream.cancel();
        }
    }

    @Override
    public void onDelta(String delta) {
        if (delta == null || delta.isEmpty()) {
            return;
        }
        synchronized (this) {
            if (phase != Phase.RUNNING) {
                return;
            }
            long seq = appendChunk(delta);
            if (subscribers.length == 0) {
                return;
            }
            Chunk chunk = new Chunk(id, seq, delta);
            for (Subscriber s : subscribers) {
                s.chunk(chunk);
            }
        }
    }

    /**
     * The model's turn ended. Without tool calls the answer is complete; with them (agent mode) they are numbered
     * and handed to the runner to store, and the answer waits for their results.
     */
    @Override
    public void onComplete(List<ToolCall> toolCalls) {
        if (agent == null || toolCalls.isEmpty()) {
            end(CompletionStatus.COMPLETED, null);
            return;
        }
        Progress progress;
        List<ToolEvent> calls = new ArrayList<>(toolCalls.size());
        synchronized (this) {
            if (phase != Phase.RUNNING) {
                return;
            }
            if (agent.count() >= owner.maxSteps()) {
                progress = null;
            } else {
                phase = Phase.PAUSING;
                stream = null;
                for (ToolCall call : toolCalls) {
                    calls.add(ToolEvent.call(id, lastSeq + calls.size() + 1, call));
                }
                progress = new Progress(id, 1, lastSeq, text.toString(), chunkLengths.toString());
            }
        }
        if (progress == null) {
            end(CompletionStatus.FAILED, CompletionError.tooManySteps(owner.maxSteps()));
        } else {
            owner.paused(this, progress, calls);
        }
    }

    /** The calls are stored: they join the log, go to every subscriber, and the answer waits for their results. */
    void paused(List<ToolEvent> calls) {
        synchronized (this) {
            if (phase != Phase.PAUSING) {
                return;
            }
            agent.startTurn(text.substring(turnStart));
            turnStart = text.length();
            for (ToolEvent call : calls) {
                append(call);
                tell(call);
            }
            checkpointedSeq = lastSeq;
            phase = Phase.WAITING;
            waitingSince = Instant.now();
        }
    }

    /**
     * Takes a tool result while the answer waits: stored by {@code writer} (under this run's monitor, so results
     * of two connections are numbered and stored one after the other), then told to every subscriber.
     *
     * @throws ApiException not_found for a call this answer did not make, or once the answer has ended
     */
    synchronized ResultTaken takeResult(ToolResult result, ResultWriter writer) {
        if (agent == null || agent.call(result.callId()) == null) {
            throw Ids.unknown("tool call of this answer", result.callId());
        }
        if (agent.hasResult(result.callId())) {
            return ResultTaken.DUPLICATE;
        }
        if (phase != Phase.WAITING) {
            throw ended();
        }
        boolean last = agent.lastTurnAnsweredWith(result.callId());
        ToolEvent event = ToolEvent.result(id, lastSeq + 1, result);
        switch (writer.write(event, last)) {
            case DUPLICATE:
                return ResultTaken.DUPLICATE;
            case ENDED:
                throw ended();
            default:
                break;
        }
        append(event);
        tell(event);
        checkpointedSeq = lastSeq;
        if (!last) {
            return ResultTaken.STORED;
        }
        phase = Phase.RUNNING;
        waitingSince = null;
        return ResultTaken.CONTINUE;
    }

    private static ApiException ended() {
        return ApiException.notFound("this answer has ended: its tool calls take no more results");
    }

    /** The request of the next model turn (agent mode). */
    synchronized ModelRequest nextTurn() {
        return agent.next();
    }

    @Override
    public void onError(ModelError error) {
        end(CompletionStatus.FAILED, error.busy() ? CompletionError.busy(error.message())
                : CompletionError.model(error.message(), error.retryable()));
    }

    /** Stops the provider's stream (or the wait for tool results) and ends the completion {@code cancelled}. */
    void cancel() {
        ModelStream current;
        synchronized (this) {
            current = phase == Phase.RUNNING ? stream : null;
        }
        if (current != null) {
            current.cancel();
        }
        end(CompletionStatus.CANCELLED, null);
    }

    /** Ends the completion with {@code status} unless it ended already; its final state goes to the runner. */
    void end(CompletionStatus status, CompletionError error) {
        FinalState state;
        ModelStream toCancel = null;
        synchronized (this) {
            if (phase == Phase.ENDING || phase == Phase.ENDED) {
                return;
            }
            phase = Phase.ENDING;
            if (status == CompletionStatus.INTERRUPTED) {
                toCancel = stream;
            }
            state = new FinalState(id, conversationId, status, text.toString(), lastSeq, chunkLengths.toString(), error);
        }
        if (toCancel != null) {
            toCancel.cancel();
        }
        owner.ended(this, state);
    }

    /** Called once the final state is stored: tells every subscriber how the completion ended. */
    void published(FinalState state) {
        synchronized (this) {
            phase = Phase.ENDED;
            keepOnlyWhatResumesRead();
            end = new CompletionEnd(id, state.status(), state.lastSeq(), messageId, state.error());
            Subscriber[] targets = subscribers;
            subscribers = NONE;
            for (Subscriber s : targets) {
                s.end(end);
            }
        }
        finished.complete(state.status());
    }

    /**
     * An ended run is kept for resumes only: its text and chunk boundaries, trimmed to size; the chunk lengths
     * (written only into progress, which an ended run has no more) and the provider's stream are dropped.
     */
    private void keepOnlyWhatResumesRead() {
        stream = null;
        text.trimToSize();
        offsets = Arrays.copyOf(offsets, (int) lastSeq);
        chunkLengths = new StringBuilder(0);
    }

    /** About how much heap it holds: its text, chunk boundaries and tool events, and its own objects. */
    synchronized long retainedBytes() {
        long bytes = OBJECT_BYTES + 2L * (text.capacity() + chunkLengths.capacity()) + 4L * offsets.length;
        for (ToolEvent event : events.values()) {
            bytes += EVENT_BYTES + 2L * (event.call() != null
                    ? length(event.call().arguments()) + length(event.call().name()) : length(event.result().output()));
        }
        return bytes;
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }

    /** Completes with the final status once every subscriber was told. */
    CompletableFuture<CompletionStatus> finished() {
        return finished;
    }

    /** Replays every chunk and tool event after {@code afterSeq}, then follows live (or tells the end). */
    synchronized void subscribe(Subscriber subscriber, long afterSeq) {
        for (long seq = afterSeq + 1; seq <= lastSeq; seq++) {
            ToolEvent event = events.get(seq);
            if (event != null) {
                subscriber.toolEvent(event);
            } else {
                subscriber.chunk(new Chunk(id, seq, chunk(seq)));
            }
        }
        if (phase == Phase.ENDED) {
            subscriber.end(end);
            return;
        }
        Subscriber[] next = Arrays.copyOf(subscribers, subscribers.length + 1);
        next[subscribers.length] = subscriber;
        subscribers = next;
    }

    /**
     * While it waits for tool results: lets go of every subscriber that {@code keep} refuses, and says from which seq
     * they are to follow it (wherever it goes on); null, releasing none, once it no longer waits.
     */
    synchronized Released releaseWhileWaiting(Predicate<Subscriber> keep) {
        if (phase != Phase.WAITING) {
            return null;
        }
        List<Subscriber> released = Arrays.stream(subscribers).filter(keep.negate()).toList();
        subscribers = Arrays.stream(subscribers).filter(keep).toArray(Subscriber[]::new);
        return new Released(released, lastSeq);
    }

    /** Subscribers let go of, which hold every seq up to {@code lastSeq}. */
    record Released(List<Subscriber> subscribers, long lastSeq) {
    }

    /** Follows from the chunk that comes next: the subscriber hears of no earlier chunk, only of later ones and the end. */
    synchronized void subscribeFromNow(Subscriber subscriber) {
        subscribe(subscriber, lastSeq);
    }

    /** How many chunks a resume from {@code afterSeq} replays from memory. */
    synchronized long backlog(long afterSeq) {
        return Math.max(0, lastSeq - afterSeq);
    }

    synchronized void unsubscribe(Subscriber subscriber) {
        for (int i = 0; i < subscribers.length; i++) {
            if (subscribers[i] == subscriber) {
                Subscriber[] next = new Subscriber[subscribers.length - 1];
                System.arraycopy(subscribers, 0, next, 0, i);
                System.arraycopy(subscribers, i + 1, next, i, subscribers.length - i - 1);
                subscribers = next;
                return;
            }
        }
    }

    /**
     * The progress to write, if any chunk arrived since the last stored checkpoint (or {@code always}, to renew a
     * lease): only the chunks after it. It stays due until {@link #checkpointed} reports it stored, so a failed pass
     * is written by the next; an ending run's progress is written too (its lease held) until its end is stored. A
     * waiting run has none: its calls and results are stored as they come, and it holds no lease.
     */
    synchronized Progress progress(boolean always) {
        if (phase == Phase.ENDED || phase == Phase.WAITING || (!always && lastSeq == checkpointedSeq)) {
            return null;
        }
        StringBuilder lengths = new StringBuilder();
        for (long seq = checkpointedSeq + 1; seq <= lastSeq; seq++) {
            if (!events.containsKey(seq)) {
                lengths.append(lengths.isEmpty() ? "" : ",").append(offsets[(int) seq - 1] - textBefore(seq));
            }
        }
        long first = checkpointedSeq + 1;
        return new Progress(id, first, lastSeq, text.substring(textBefore(first)), lengths.toString());
    }

    /** Notes that the progress up to {@code seq} is stored. */
    synchronized void checkpointed(long seq) {
        checkpointedSeq = Math.max(checkpointedSeq, seq);
    }

    /** Whether it runs, or ended and its end is not stored yet: either way no subscriber has been told it ended. */
    synchronized boolean running() {
        return phase != Phase.ENDED;
    }

    /** Since when it waits for tool results; null while it does not. */
    synchronized Instant waitingSince() {
        return phase == Phase.WAITING ? waitingSince : null;
    }

    /** The live state as REST shows it while it runs; {@code durableSeq} is what the last checkpoint stored. */
    synchronized CompletionView view() {
        CompletionStatus status = phase == Phase.WAITING ? CompletionStatus.WAITING : CompletionStatus.RUNNING;
        return new CompletionView(id, conversationId, status.label(), lastSeq, text.toString(), checkpointedSeq,
                null);
    }

    synchronized long lastSeq() {
        return lastSeq;
    }

    /** Appends a delta as the next seq; returns the seq. */
    private long appendChunk(String delta) {
        long seq = nextSeq();
        text.append(delta);
        offsets[(int) seq - 1] = text.length();
        if (chunkLengths.length() > 0) {
            chunkLengths.append(',');
        }
        chunkLengths.append(delta.length());
        return seq;
    }

    /** Appends a tool event at its seq (the next one). */
    private void append(ToolEvent event) {
        long seq = nextSeq();
        offsets[(int) seq - 1] = text.length();
        events.put(seq, event);
        if (event.call() != null) {
            agent.addCall(event.call());
        } else {
            agent.answered(event.result());
        }
    }

    private long nextSeq() {
        long seq = ++lastSeq;
        if (seq > offsets.length) {
            offsets = Arrays.copyOf(offsets, offsets.length * 2);
        }
        return seq;
    }

    private void tell(ToolEvent event) {
        for (Subscriber s : subscribers) {
            s.toolEvent(event);
        }
    }

    private String chunk(long seq) {
        return text.substring(textBefore(seq), offsets[(int) seq - 1]);
    }

    /** Where the text of {@code seq} begins: the end of everything before it. */
    private int textBefore(long seq) {
        return seq == 1 ? 0 : offsets[(int) seq - 2];
    }
}

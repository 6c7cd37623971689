package dev.mooring.model;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link ModelStreamListener} that records what it receives and notices broken guarantees. */
final class RecordingListener implements ModelStreamListener {

    final List<String> deltas = new CopyOnWriteArrayList<>();
    final List<ModelError> errors = new CopyOnWriteArrayList<>();
    final AtomicInteger completions = new AtomicInteger();
    final List<ToolCall> toolCalls = new CopyOnWriteArrayList<>();
    /** Calls that overlapped another call, or came after a terminal one. */
    final List<String> violations = new CopyOnWriteArrayList<>();
    private final AtomicBoolean inCall = new AtomicBoolean();
    private volatile boolean ended;

    @Override
    public void onDelta(String delta) {
        enter("onDelta");
        deltas.add(delta);
        leave();
    }

    @Override
    public void onComplete(List<ToolCall> calls) {
        enter("onComplete");
        toolCalls.addAll(calls);
        completions.incrementAndGet();
        ended = true;
        leave();
    }

    @Override
    public void onError(ModelError error) {
        enter("onError");
        errors.add(error);
        ended = true;
        leave();
    }

    boolean ended() {
        return ended;
    }

    int terminalCount() {
        return completions.get() + errors.size();
    }

    int callCount() {
        return deltas.size() + terminalCount();
    }

    String text() {
        return String.join("", deltas);
    }

    ModelError error() {
        return errors.isEmpty() ? null : errors.get(0);
    }

    private void enter(String call) {
        if (!inCall.compareAndSet(false, true)) {
            violations.add(call + " overlapped another callback");
        }
        if (ended) {
            violations.add(call + " after the terminal callback");
        }
    }

    private void leave() {
        inCall.set(false);
    }
}

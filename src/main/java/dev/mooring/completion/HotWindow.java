package dev.mooring.completion;

import dev.mooring.config.ChatConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayDeque;
import java.util.UUID;

/**
 * The ended runs kept in memory for fast resumes, oldest first: each for {@code chat.completions.retain-after-end},
 * and together within {@code chat.completions.retain-max-bytes} (the oldest go first). A run let go of is served
 * from the store, which holds its end before any subscriber heard of it.
 */
@ApplicationScoped
class HotWindow {

    private record Ended(CompletionRun run, long bytes, long atMillis) { }

    private final LiveCompletions live;
    private final long maxBytes;
    private final long retainMillis;
    private final ArrayDeque<Ended> ended = new ArrayDeque<>();
    private long bytes;

    HotWindow(LiveCompletions live, ChatConfig config, MeterRegistry meters) {
        this.live = live;
        this.maxBytes = config.completions().retainMaxBytes();
        this.retainMillis = config.completions().retainAfterEnd().toMillis();
        Gauge.builder("mooring.completions.retained", this, HotWindow::runs)
                .description("ended answers kept in memory for resumes").register(meters);
        Gauge.builder("mooring.completions.retained.bytes", this, HotWindow::bytes).baseUnit("bytes")
                .description("heap those ended answers hold, estimated").register(meters);
    }

    /** A run ended (its end is stored and told): kept, and the oldest let go of while over the byte bound. */
    synchronized void ended(CompletionRun run) {
        long size = run.retainedBytes();
        ended.addLast(new Ended(run, size, System.currentTimeMillis()));
        bytes += size;
        while (bytes > maxBytes && !ended.isEmpty()) {
            retireOldest();
        }
    }

    /** Lets go of the runs that ended longer than {@code chat.completions.retain-after-end} ago. */
    synchronized void retireExpired(long nowMillis) {
        while (!ended.isEmpty() && ended.peekFirst().atMillis() < nowMillis - retainMillis) {
            retireOldest();
        }
    }

    private void retireOldest() {
        Ended oldest = ended.removeFirst();
        bytes -= oldest.bytes();
        UUID id = oldest.run().id();
        if (live.find(id) == oldest.run()) {
            live.remove(id);
        }
    }

    synchronized int runs() {
        return ended.size();
    }

    synchronized long bytes() {
        return bytes;
    }
}

package dev.mooring.cluster;

import io.vertx.core.Future;

import java.util.concurrent.TimeUnit;

/** The two blocking steps of the cluster package's own reader threads: a Redis reply awaited, a pause before retrying. */
final class Blocking {

    /** How long a reader's {@code XREAD} blocks in Redis before it looks at what it follows again. */
    static final int BLOCK_MS = 1000;

    private Blocking() {
    }

    /** The reply of {@code future}, waited for a blocked read's time and ten seconds more. */
    static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(BLOCK_MS + 10_000, TimeUnit.MILLISECONDS);
    }

    /** Sleeps, keeping the thread's interrupt (a stopping service) for its loop to see. */
    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

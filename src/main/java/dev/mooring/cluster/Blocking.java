package dev.mooring.cluster;

import io.vertx.core.Future;

import java.util.concurrent.TimeUnit;

/** The two blocking steps of the cluster package's own reader threads: a Redis reply awaited, a pause before retrying. */
final class Blocking {

    private Blocking() {
    }

    /** The reply of {@code future}, waited for at most {@code timeoutMillis}. */
    static <T> T await(Future<T> future, long timeoutMillis) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(timeoutMillis, TimeUnit.MILLISECONDS);
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

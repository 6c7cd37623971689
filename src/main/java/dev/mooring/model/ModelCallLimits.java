package dev.mooring.model;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** How many model calls start at once ({@code threads}) and how many may wait for a thread ({@code queue}). */
public record ModelCallLimits(int threads, int queue) {

    /** The bounded pool that starts model calls; past its threads and queue it refuses at once. */
    ThreadPoolExecutor executor() {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(Math.max(1, queue)), DaemonThreads.named("model-call"),
                new ThreadPoolExecutor.AbortPolicy());
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }
}

package dev.mooring.chat;

import dev.mooring.api.ApiException;
import dev.mooring.api.ErrorCode;
import dev.mooring.config.ChatConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Lets only so many questions be stored at once ({@code chat.completions.max-accepting}), so that a burst neither
 * takes every database connection (checkpoints and ends need theirs) nor holds a worker for the pool's acquisition
 * timeout: a question that finds no place within {@code chat.completions.accept-wait} is refused {@code unavailable}
 * (retryable), with nothing of it stored.
 */
@ApplicationScoped
class QuestionGate {

    private final Semaphore places;
    private final long waitNanos;

    QuestionGate(ChatConfig config) {
        this.places = new Semaphore(config.completions().maxAccepting(), true);
        this.waitNanos = config.completions().acceptWait().toNanos();
    }

    /** Runs {@code accept} once a place is free. */
    <T> T through(Supplier<T> accept) {
        boolean entered;
        try {
            entered = places.tryAcquire(waitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            entered = false;
        }
        if (!entered) {
            throw new ApiException(ErrorCode.UNAVAILABLE, "the service is storing as many questions as it can at "
                    + "once; send this again shortly", true);
        }
        try {
            return accept.get();
        } finally {
            places.release();
        }
    }
}

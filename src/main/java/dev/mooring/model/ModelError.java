package dev.mooring.model;

/** A provider failure as the user should read it: what happened, what to fix, and whether a retry can help. */
public record ModelError(String message, boolean retryable) {
}

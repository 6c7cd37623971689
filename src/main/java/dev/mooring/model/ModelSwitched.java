package dev.mooring.model;

/** A CDI event: from now on {@code info} answers the next questions. */
public record ModelSwitched(ModelInfo info) {
}

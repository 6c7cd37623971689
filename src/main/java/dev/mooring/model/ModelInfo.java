package dev.mooring.model;

/** Which model answers: told to every client in {@code welcome.model}. */
public record ModelInfo(String provider, String name, boolean demo) {
}

package dev.mooring.model;

/** One earlier message of the conversation: {@code role} is {@code user} or {@code assistant}. */
public record HistoryTurn(String role, String text) {
}

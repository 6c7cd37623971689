package dev.mooring.model;

import java.util.List;

/**
 * Everything a model call needs: earlier turns (oldest first), the user's text, the notebook context (may be null)
 * and the mode ({@code chat}, {@code explain} or {@code debug}).
 */
public record ModelRequest(List<HistoryTurn> history, String userText, NotebookContext context, String mode) {
}

package dev.mooring.model;

/** What the notebook answered to one tool call: its text, and whether the tool failed (or the user declined). */
public record ToolResult(String callId, String output, boolean error) {
}

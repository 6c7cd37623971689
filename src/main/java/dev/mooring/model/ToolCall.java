package dev.mooring.model;

/**
 * A tool call the model asked for: {@code id} is the service's own (a UUID, unique across answers: the client
 * records applied calls by it), {@code providerId} the provider's, sent back with the result; {@code arguments} is
 * the JSON object the model wrote, as text.
 */
public record ToolCall(String id, String providerId, String name, String arguments) {
}

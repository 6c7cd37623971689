package dev.mooring.completion;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.UUID;

/**
 * {@code GET /api/completions/{id}}. {@code durableSeq} (an addition to the protocol) is the last seq already in the
 * database: what survives a crash.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CompletionView(UUID id, UUID conversationId, String status, long lastSeq, String text, long durableSeq,
                             CompletionError error) {
}

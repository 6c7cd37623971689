package dev.mooring.model;

import java.util.Optional;

/** The service's one way to call a model; the configured LangChain4j provider (or the demo model) sits behind it. */
public interface ChatModelGateway {

    /** The model that answers, for {@code welcome} and readiness. */
    ModelInfo info();

    /**
     * Starts streaming an answer. Never throws for provider failures: they arrive as
     * {@link ModelStreamListener#onError(ModelError)}.
     */
    ModelStream stream(ModelRequest request, ModelStreamListener listener);

    /** Whether {@link #title} asks the model (not the demo model, nor with {@code chat.model.titles} off). */
    default boolean namesConversations() {
        return false;
    }

    /**
     * A conversation's title from its first question and answer, at most {@code maxChars} long, in one short call
     * that blocks; empty when this model names none or the call fails.
     */
    default Optional<String> title(ModelRequest question, String answer, int maxChars) {
        return Optional.empty();
    }
}

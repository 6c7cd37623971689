package dev.mooring.model;

/** The service's one way to call a model; the configured LangChain4j provider (or the demo model) sits behind it. */
public interface ChatModelGateway {

    /** The model that answers, for {@code welcome} and readiness. */
    ModelInfo info();

    /**
     * Starts streaming an answer. Never throws for provider failures: they arrive as
     * {@link ModelStreamListener#onError(ModelError)}.
     */
    ModelStream stream(ModelRequest request, ModelStreamListener listener);
}

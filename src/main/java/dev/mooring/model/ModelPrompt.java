package dev.mooring.model;

import dev.langchain4j.data.message.ChatMessage;

import java.util.List;

/** Turns a {@link ModelRequest} into the messages a LangChain4j model is sent. */
@FunctionalInterface
public interface ModelPrompt {

    List<ChatMessage> build(ModelRequest request);
}

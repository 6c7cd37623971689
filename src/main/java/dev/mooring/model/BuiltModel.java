package dev.mooring.model;

/** A model ready to use: the gateway that streams its answers, the {@link Titler} that names conversations (or null). */
public record BuiltModel(LangChain4jModelGateway gateway, Titler titler) {
}

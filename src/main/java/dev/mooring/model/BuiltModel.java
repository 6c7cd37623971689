package dev.mooring.model;

/** A model ready to use: the gateway that streams its answers and the {@link Titler} that names conversations (null: none). */
public record BuiltModel(LangChain4jModelGateway gateway, Titler titler) {
}

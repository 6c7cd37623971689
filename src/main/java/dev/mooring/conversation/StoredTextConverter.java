package dev.mooring.conversation;

import dev.mooring.api.StoredText;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/** Writes the texts of conversations and messages through {@link StoredText}, so any text is stored exactly. */
@Converter
public class StoredTextConverter implements AttributeConverter<String, String> {

    @Override
    public String convertToDatabaseColumn(String text) {
        return StoredText.encode(text);
    }

    @Override
    public String convertToEntityAttribute(String stored) {
        return StoredText.decode(stored);
    }
}

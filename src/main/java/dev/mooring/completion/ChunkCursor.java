package dev.mooring.completion;

/**
 * Walks a stored completion's chunks in seq order, cutting its text at the recorded chunk lengths
 * (comma-separated, in UTF-16 units), so a replay from the database sends exactly the chunks first streamed.
 */
final class ChunkCursor {

    private final String text;
    private final String lengths;
    private int lengthPos;
    private int textPos;
    private long seq;

    ChunkCursor(String text, String lengths) {
        this.text = text;
        this.lengths = lengths;
    }

    /** The seq of the chunk that {@link #next()} returned last; 0 before the first. */
    long seq() {
        return seq;
    }

    /** The next chunk's text, or null when every recorded chunk was returned. */
    String next() {
        if (lengthPos >= lengths.length()) {
            return null;
        }
        int length = 0;
        while (lengthPos < lengths.length()) {
            char c = lengths.charAt(lengthPos++);
            if (c == ',') {
                break;
            }
            length = length * 10 + (c - '0');
        }
        int end = Math.min(text.length(), textPos + length);
        String chunk = text.substring(textPos, end);
        textPos = end;
        seq++;
        return chunk;
    }
}

package dev.mooring.api;

/**
 * The one rule for text written to the database: stored exactly, whatever it holds. PostgreSQL refuses a NUL in
 * text and turns half of a surrogate pair (a model may cut a character between two checkpoints) into '?', so both
 * are stored as escapes behind U+FFFF, a code point no text should contain, which is itself escaped; any other text
 * is stored as it is.
 */
public final class StoredText {

    private static final char ESCAPE = '\uFFFF';
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private StoredText() {
    }

    /** {@code text} as it is written to the database; the same string when nothing needs escaping. */
    public static String encode(String text) {
        if (text == null) {
            return null;
        }
        int first = firstToEscape(text, 0);
        if (first < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\0') {
                out.append(ESCAPE).append('0');
            } else if (c == ESCAPE) {
                out.append(ESCAPE).append(ESCAPE);
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                out.append(ESCAPE).append('u').append(HEX[c >> 12 & 15]).append(HEX[c >> 8 & 15])
                        .append(HEX[c >> 4 & 15]).append(HEX[c & 15]);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The text that {@link #encode} wrote; an escape it did not write is kept as it is. */
    public static String decode(String stored) {
        if (stored == null || stored.indexOf(ESCAPE) < 0) {
            return stored;
        }
        StringBuilder out = new StringBuilder(stored.length());
        for (int i = 0; i < stored.length(); i++) {
            char c = stored.charAt(i);
            char next = i + 1 < stored.length() ? stored.charAt(i + 1) : 0;
            if (c != ESCAPE) {
                out.append(c);
            } else if (next == '0') {
                out.append('\0');
                i++;
            } else if (next == ESCAPE) {
                out.append(ESCAPE);
                i++;
            } else if (next == 'u' && i + 6 <= stored.length() && isHex(stored, i + 2, i + 6)) {
                out.append((char) Integer.parseInt(stored.substring(i + 2, i + 6), 16));
                i += 5;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static int firstToEscape(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\0' || c == ESCAPE) {
                return i;
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }

    private static boolean isHex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}

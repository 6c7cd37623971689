package dev.mooring.api;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Any text survives the database: what PostgreSQL refuses or mangles is stored as an escape and read back. */
class StoredTextTest {

    private static boolean storable(String stored) {
        for (int i = 0; i < stored.length(); i++) {
            char c = stored.charAt(i);
            if (c == '\0') {
                return false;
            }
            if (Character.isHighSurrogate(c) && i + 1 < stored.length() && Character.isLowSurrogate(stored.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    @Test
    void textWithNothingToEscapeIsStoredAsItIs() {
        String text = "plain, ünïcode and a pair 🙂 at the end";
        assertSame(text, StoredText.encode(text));
        assertSame(text, StoredText.decode(text));
    }

    @Test
    void nulsLoneSurrogatesAndTheEscapeItselfComeBackExactly() {
        for (String text : List.of("a\u0000b", "\u0000", "ends in half a pair \uD83D", "\uDE00 starts with the other half",
                "\uDE00\uD83D reversed", "the escape \uFFFF itself", "\uFFFF0 looks like an escape", "\uFFFFu0041",
                "mixed \u0000\uD83D\uDE00\uFFFF\uDBFF")) {
            String stored = StoredText.encode(text);
            assertFalse(!storable(stored), "storable: " + text);
            assertEquals(text, StoredText.decode(stored));
        }
    }

    @Test
    void anEscapeCutShortIsReadAsItIs() {
        assertEquals("cut \uFFFFu12", StoredText.decode("cut \uFFFFu12"));
        assertEquals("cut \uFFFF", StoredText.decode("cut \uFFFF"));
    }
}

package dev.mooring.conversation;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.model.NotebookContext;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The notebook context round-trips through its column, and rows written before it was typed still read. */
class StoredContextTest {

    private final StoredContext contexts = new StoredContext(new ObjectMapper());

    @Test
    void aContextReadsBackAsItWasWritten() {
        NotebookContext context = new NotebookContext("a.ipynb", new NotebookContext.ActiveCell("1/0",
                List.of("printed\n", "42"), "ZeroDivisionError", "code", 3L), "sel",
                List.of(new NotebookContext.Variable("df", "DataFrame", "3 rows")));

        assertEquals(context, contexts.read(contexts.write(context)));
        assertNull(contexts.write(null));
        assertNull(contexts.read(null));
    }

    @Test
    void outputsStoredAsTheTextOfAListReadBackAsTheList() {
        String old = "{\"notebookPath\":\"a.ipynb\",\"activeCell\":{\"source\":\"x\","
                + "\"outputs\":\"[\\\"printed\\\\n\\\",\\\"42\\\"]\",\"error\":null},\"selection\":null,\"variables\":[]}";

        NotebookContext read = contexts.read(old);

        assertEquals(List.of("printed\n", "42"), read.activeCell().outputs());
        assertEquals("x", read.activeCell().source());
        assertEquals(List.of(), read.variables());
    }

    @Test
    void outputsStoredAsPlainTextReadBackAsOneOutput() {
        NotebookContext read = contexts.read("{\"activeCell\":{\"outputs\":\"42\\nand more\"}}");

        assertEquals(List.of("42\nand more"), read.activeCell().outputs());
    }

    @Test
    void anUnreadableContextIsNoContext() {
        assertNull(contexts.read("{\"activeCell\":{\"outputs\":{\"not\":\"a list\"}}}"));
    }
}

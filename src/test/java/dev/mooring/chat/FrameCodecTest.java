package dev.mooring.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The hand-written chunk frame is valid JSON that carries the delta exactly. */
class FrameCodecTest {

    @Test
    void chunkFrameCarriesAnyDeltaExactly() throws Exception {
        String delta = "quote \" backslash \\ newline \n tab \t nul \u0000 bell \u0007 line-sep \u2028 emoji 🙂 é";
        JsonNode parsed = new ObjectMapper().readTree(FrameCodec.chunk("c-1", 42, delta));
        assertEquals("chunk", parsed.path("type").asText());
        assertEquals("c-1", parsed.path("completionId").asText());
        assertEquals(42, parsed.path("seq").asLong());
        assertEquals(delta, parsed.path("delta").asText());
    }
}

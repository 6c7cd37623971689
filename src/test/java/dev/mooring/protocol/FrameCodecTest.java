package dev.mooring.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The hand-written chunk frame is valid JSON that carries the delta exactly; the tool frames' field names. */
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

    @Test
    void halvesOfASurrogatePairSplitBetweenChunksSurviveUtf8() throws Exception {
        ObjectMapper json = new ObjectMapper();
        // what goes on the wire is UTF-8, where a lone surrogate would become '?': it must be escaped instead
        String first = new String(FrameCodec.chunk("c", 1, "a\uD83D").getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.charset.StandardCharsets.UTF_8);
        String second = new String(FrameCodec.chunk("c", 2, "\uDE00b").getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.charset.StandardCharsets.UTF_8);
        String text = json.readTree(first).path("delta").asText() + json.readTree(second).path("delta").asText();
        assertEquals("a😀b", text);
        // a whole pair stays as it is
        assertEquals("{\"type\":\"chunk\",\"completionId\":\"c\",\"seq\":3,\"delta\":\"😀\"}",
                FrameCodec.chunk("c", 3, "😀"));
    }

    @Test
    void toolFramesCarryTheirFieldsUnderTheProtocolsNames() throws Exception {
        FrameCodec codec = new FrameCodec(new ObjectMapper());
        JsonNode result = new ObjectMapper().readTree(codec.encode(new ServerFrame.ToolResult("c", 7, "k", "out", true)));
        assertEquals("tool_result", result.path("type").asText());
        assertEquals(7, result.path("seq").asLong());
        assertEquals("k", result.path("callId").asText());
        assertEquals("out", result.path("output").asText());
        assertEquals(true, result.path("isError").asBoolean());
        assertEquals(6, result.size(), result.toString());
        JsonNode call = new ObjectMapper().readTree(codec.encode(new ServerFrame.ToolCall("c", 6, "k", "run_cell",
                "{\"cell_id\":\"x\"}")));
        assertEquals("tool_call", call.path("type").asText());
        assertEquals("{\"cell_id\":\"x\"}", call.path("arguments").asText());
    }
}

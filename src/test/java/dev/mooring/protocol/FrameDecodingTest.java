package dev.mooring.protocol;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.api.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Client frames decode into typed records; any other shape is refused with a typed error naming the frame's ref. */
class FrameDecodingTest {

    private final FrameCodec codec = new FrameCodec(new ObjectMapper());

    private static String chatWithContext(String context) {
        return "{\"type\":\"chat\",\"clientMessageId\":\"m-1\",\"text\":\"why?\",\"context\":" + context + "}";
    }

    private FrameException refused(String frame) {
        return assertThrows(FrameException.class, () -> codec.decode(frame));
    }

    @Test
    void thePanelsNotebookContextDecodesIntoTypedRecords() {
        ClientFrame.Chat chat = assertInstanceOf(ClientFrame.Chat.class, codec.decode(chatWithContext(
                "{\"notebookPath\":\"a.ipynb\",\"activeCell\":{\"source\":\"print('printed'); 42\","
                        + "\"outputs\":[\"printed\\n\",\"42\"],\"error\":\"ZeroDivisionError: division by zero\","
                        + "\"cellType\":\"code\",\"executionCount\":3}}")));

        ChatContext.ActiveCell cell = chat.context().activeCell();
        assertEquals("a.ipynb", chat.context().notebookPath());
        assertEquals(List.of("printed\n", "42"), cell.outputs());
        assertEquals("ZeroDivisionError: division by zero", cell.error());
        assertEquals("code", cell.cellType());
        assertEquals(3L, cell.executionCount());
        assertNull(chat.context().variables());
    }

    @Test
    void outputsInJupyterShapesBecomeText() {
        ClientFrame.Chat chat = (ClientFrame.Chat) codec.decode(chatWithContext("{\"activeCell\":{\"outputs\":["
                + "{\"output_type\":\"stream\",\"text\":[\"printed\\n\"]},"
                + "{\"output_type\":\"execute_result\",\"data\":{\"text/plain\":\"42\"}},"
                + "{\"output_type\":\"display_data\",\"data\":{\"image/png\":\"iVBOR\"}}],"
                + "\"error\":{\"ename\":\"ValueError\",\"evalue\":\"bad\",\"traceback\":[\"line 1\",\"line 2\"]}}}"));

        assertEquals(List.of("printed\n", "42", ""), chat.context().activeCell().outputs());
        assertEquals("ValueError: bad\nline 1\nline 2", chat.context().activeCell().error());
    }

    @Test
    void illTypedContextIsABadRequestNamingTheFieldAndTheRef() {
        for (String context : List.of("\"a string\"", "{\"notebookPath\":7}",
                "{\"activeCell\":{\"source\":{\"code\":\"1/0\"}}}", "{\"activeCell\":{\"outputs\":\"42\"}}",
                "{\"activeCell\":{\"outputs\":[42]}}", "{\"activeCell\":{\"outputs\":[[\"nested\"]]}}",
                "{\"activeCell\":{\"error\":true}}", "{\"activeCell\":{\"executionCount\":\"3\"}}",
                "{\"variables\":{\"df\":1}}", "{\"variables\":[{\"type\":\"int\"}]}")) {
            FrameException e = refused(chatWithContext(context));
            assertEquals(ErrorCode.BAD_REQUEST, e.code(), context);
            assertEquals("m-1", e.ref(), context);
            assertTrue(e.getMessage().contains("context"), context + ": " + e.getMessage());
        }
    }

    @Test
    void aMalformedIdIsNotFoundByTheSameRuleAsRest() {
        FrameException resume = refused("{\"type\":\"resume\",\"completionId\":\"not-a-uuid\",\"afterSeq\":0}");
        assertEquals(ErrorCode.NOT_FOUND, resume.code());
        assertEquals("no completion has the id 'not-a-uuid'", resume.getMessage());
        assertEquals("not-a-uuid", resume.ref());

        FrameException chat = refused("{\"type\":\"chat\",\"clientMessageId\":\"m-2\",\"conversationId\":\"x\","
                + "\"text\":\"hi\"}");
        assertEquals(ErrorCode.NOT_FOUND, chat.code());
        assertEquals("m-2", chat.ref());
    }

    @Test
    void theRefOfAFrameIsItsIdWhetherOrNotItDecodes() {
        UUID id = UUID.randomUUID();
        assertEquals(id.toString(), codec.refOf("{\"type\":\"cancel\",\"completionId\":\"" + id + "\"}"));
        assertEquals("m-3", codec.refOf("{\"type\":\"chat\",\"clientMessageId\":\"m-3\",\"text\":\" \"}"));
        assertEquals("m-4", codec.refOf("{\"type\":\"shout\",\"clientMessageId\":\"m-4\"}"));
        assertNull(codec.refOf("{not json"));
        assertNull(codec.refOf("{\"type\":\"ping\",\"t\":1}"));
    }

    @Test
    void aToolResultDecodesWithItsCallAsRef() {
        UUID completion = UUID.randomUUID();
        UUID call = UUID.randomUUID();
        ClientFrame.ToolResult result = assertInstanceOf(ClientFrame.ToolResult.class, codec.decode(
                "{\"type\":\"tool_result\",\"completionId\":\"" + completion + "\",\"callId\":\"" + call
                        + "\",\"output\":\"{\\\"cell_id\\\":\\\"c1\\\"}\",\"isError\":true}"));

        assertEquals(completion, result.completionId());
        assertEquals(call, result.callId());
        assertEquals("{\"cell_id\":\"c1\"}", result.output());
        assertTrue(result.error());
        assertEquals(call.toString(), result.ref());
        ClientFrame.ToolResult plain = (ClientFrame.ToolResult) codec.decode("{\"type\":\"tool_result\","
                + "\"completionId\":\"" + completion + "\",\"callId\":\"" + call + "\",\"output\":\"\"}");
        assertEquals("", plain.output());
        assertEquals(false, plain.error());
    }

    @Test
    void anIllTypedToolResultIsABadRequestNamingItsCall() {
        String ids = "\"completionId\":\"" + UUID.randomUUID() + "\",\"callId\":\"c-9\"";
        assertEquals(ErrorCode.NOT_FOUND, refused("{\"type\":\"tool_result\"," + ids + ",\"output\":\"x\"}").code());
        String call = UUID.randomUUID().toString();
        String valid = "\"completionId\":\"" + UUID.randomUUID() + "\",\"callId\":\"" + call + "\"";
        for (String rest : List.of("", ",\"output\":7", ",\"output\":\"x\",\"isError\":\"yes\"")) {
            FrameException e = refused("{\"type\":\"tool_result\"," + valid + rest + "}");
            assertEquals(ErrorCode.BAD_REQUEST, e.code(), rest);
            assertEquals(call, e.ref(), rest);
        }
    }

    @Test
    void followAndUnfollowNameAConversationAndAgentIsAMode() {
        UUID conversation = UUID.randomUUID();
        assertEquals(new ClientFrame.Follow(conversation),
                codec.decode("{\"type\":\"follow\",\"conversationId\":\"" + conversation + "\"}"));
        assertEquals(new ClientFrame.Unfollow(conversation),
                codec.decode("{\"type\":\"unfollow\",\"conversationId\":\"" + conversation + "\"}"));
        assertEquals("nope", refused("{\"type\":\"follow\",\"conversationId\":\"nope\"}").ref());
        assertEquals("agent", ((ClientFrame.Chat) codec.decode(
                "{\"type\":\"chat\",\"clientMessageId\":\"m\",\"text\":\"go\",\"mode\":\"agent\"}")).mode());
    }

    @Test
    void theRefOfARefusedToolResultIsItsCallWhereverItStands() {
        String call = UUID.randomUUID().toString();
        assertEquals(call, codec.refOf("{\"type\":\"tool_result\",\"completionId\":\"" + UUID.randomUUID()
                + "\",\"callId\":\"" + call + "\",\"output\":\"" + "x".repeat(1_000_000)));
    }

    @Test
    void theRefOfARefusedFrameIsLookedForInItsFirstCharactersOnly() {
        String cut = "{\"type\":\"chat\",\"clientMessageId\":\"m-5\",\"text\":\"" + "x".repeat(100_000);
        assertEquals("m-5", codec.refOf(cut), "the broken rest is never read");
        String late = "{\"type\":\"chat\",\"text\":\"" + "x".repeat(FrameCodec.REF_SCAN_CHARS)
                + "\",\"clientMessageId\":\"m-6\"}";
        assertNull(codec.refOf(late), "a ref past the first characters is not looked for");
        assertEquals("m-7", codec.refOf("{\"context\":{\"clientMessageId\":\"inner\"},\"clientMessageId\":\"m-7\"}"));
    }

    @Test
    void afterSeqPastWhatAClientCanCountIsABadRequest() {
        UUID id = UUID.randomUUID();
        for (String afterSeq : List.of("9223372036854775807", "9007199254740992", "-1", "1.5")) {
            FrameException e = refused("{\"type\":\"resume\",\"completionId\":\"" + id + "\",\"afterSeq\":" + afterSeq
                    + "}");
            assertEquals(ErrorCode.BAD_REQUEST, e.code(), afterSeq);
            assertEquals(id.toString(), e.ref());
        }
        assertEquals(9007199254740991L, ((ClientFrame.Resume) codec.decode("{\"type\":\"resume\",\"completionId\":\""
                + id + "\",\"afterSeq\":9007199254740991}")).afterSeq());
    }
}

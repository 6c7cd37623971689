package dev.mooring.completion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mooring.testing.FakeModelResource;
import dev.mooring.testing.FakeOpenAiServer;
import dev.mooring.testing.FakeOpenAiServer.Reply;
import dev.mooring.testing.WsClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.StreamSupport;

import static dev.mooring.testing.ServiceTestSupport.TOKEN;
import static dev.mooring.testing.ServiceTestSupport.api;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent loop over a real socket and the real LangChain4j client, against a local server speaking OpenAI's
 * tool-calling stream: tool calls and results are events of the answer's seq stream, each result is taken once on
 * any connection, the wait survives connections, and a resume replays everything exactly.
 */
@QuarkusTest
@QuarkusTestResource(FakeModelResource.class)
class AgentLoopTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    AgentStore agentStore;

    @Inject
    LiveCompletions live;

    private FakeOpenAiServer model() {
        return FakeModelResource.server();
    }

    @BeforeEach
    void forgetRepliesLeftBehind() {
        model().clearReplies();
    }

    static String askAgent(WsClient client, String text) {
        ObjectNode chat = WsClient.chatFrame(UUID.randomUUID().toString(), null, text).put("mode", "agent");
        chat.putObject("context").put("notebookPath", "work/data.ipynb");
        client.send(chat);
        return client.await("accepted").path("completionId").asText();
    }

    /** The next frame of the completion's seq stream (a chunk, a tool event) or its done. */
    static JsonNode next(WsClient client, String completionId) {
        return client.take(f -> completionId.equals(f.path("completionId").asText())
                && (f.has("seq") || "done".equals(f.path("type").asText())), "the next event of " + completionId);
    }

    static void sendResult(WsClient client, String completionId, String callId, String output) {
        client.send(WsClient.JSON.createObjectNode().put("type", "tool_result").put("completionId", completionId)
                .put("callId", callId).put("output", output));
    }

    /**
     * Sends a result and returns its {@code tool_accepted}; the {@code tool_result} event the service sends first
     * (when it stores the result) is checked and consumed.
     */
    static JsonNode answer(WsClient client, String completionId, String callId, String output) {
        sendResult(client, completionId, callId, output);
        JsonNode first = client.take(f -> callId.equals(f.path("callId").asText()), "the answer to " + callId);
        if ("tool_accepted".equals(first.path("type").asText())) {
            assertTrue(first.path("duplicate").asBoolean(), "a stored result is told before it is acknowledged");
            return first;
        }
        assertEquals("tool_result", first.path("type").asText());
        assertEquals(output, first.path("output").asText());
        JsonNode accepted = client.take(f -> "tool_accepted".equals(f.path("type").asText()), "tool_accepted");
        assertEquals(callId, accepted.path("callId").asText());
        return accepted;
    }

    /** The frames about a call up to its {@code tool_accepted}: the stored result event, then the ack. */
    static List<JsonNode> untilAccepted(WsClient client, String callId) {
        List<JsonNode> frames = new ArrayList<>();
        do {
            frames.add(client.take(f -> callId.equals(f.path("callId").asText()), "frames about " + callId));
        } while (!"tool_accepted".equals(frames.get(frames.size() - 1).path("type").asText()));
        if (frames.size() == 1) {
            frames.add(0, client.take(f -> "tool_result".equals(f.path("type").asText()), "tool_result"));
        }
        return frames;
    }

    private static void assertFrame(JsonNode frame, String type, long seq) {
        assertEquals(type, frame.path("type").asText(), frame::toString);
        assertEquals(seq, frame.path("seq").asLong(), frame::toString);
    }

    @Test
    void anAgentRunStreamsEachTurnCallsToolsTakesTheirResultsAndEndsWithTheFinalText() throws Exception {
        model().enqueue(Reply.stream("Reading ", "first. ").toolCall("call_read", "read_notebook", "{}"));
        model().enqueue(Reply.stream("Adding a cell. ")
                .toolCall("call_ins", "insert_cell", "{\"source\":\"df = pd.read_csv('data.csv')\"}"));
        model().enqueue(Reply.stream("Done: ", "loaded."));
        try (WsClient client = WsClient.connect(base.toString(), TOKEN).answeringPings()) {
            String id = askAgent(client, "load data.csv");
            assertEquals("Reading ", next(client, id).path("delta").asText());
            assertEquals("first. ", next(client, id).path("delta").asText());
            JsonNode read = next(client, id);
            assertFrame(read, "tool_call", 3);
            assertEquals("read_notebook", read.path("name").asText());
            assertEquals("{}", read.path("arguments").asText());
            String readId = read.path("callId").asText();
            api().get("/api/completions/" + id).then().statusCode(200).body("status", equalTo("waiting"));

            sendResult(client, id, readId, "{\"cells\":[]}");
            JsonNode stored = next(client, id);
            assertFrame(stored, "tool_result", 4);
            assertEquals(readId, stored.path("callId").asText());
            assertEquals("{\"cells\":[]}", stored.path("output").asText());
            assertFalse(stored.path("isError").asBoolean());
            assertFalse(client.take(f -> "tool_accepted".equals(f.path("type").asText()), "tool_accepted")
                    .path("duplicate").asBoolean());

            assertEquals("Adding a cell. ", next(client, id).path("delta").asText());
            JsonNode insert = next(client, id);
            assertFrame(insert, "tool_call", 6);
            assertEquals("df = pd.read_csv('data.csv')",
                    WsClient.JSON.readTree(insert.path("arguments").asText()).path("source").asText());
            answer(client, id, insert.path("callId").asText(), "{\"cell_id\":\"c9\",\"index\":0}");
            assertEquals("Done: ", next(client, id).path("delta").asText());
            assertEquals("loaded.", next(client, id).path("delta").asText());
            JsonNode done = next(client, id);
            assertEquals("completed", done.path("status").asText());
            assertEquals(9, done.path("lastSeq").asLong());

            assertTrue(answer(client, id, readId, "again").path("duplicate").asBoolean(),
                    "a result sent again is a duplicate, even after the end");
        }
        List<FakeOpenAiServer.RecordedRequest> requests = model().requests();
        JsonNode messages = WsClient.JSON.readTree(requests.get(requests.size() - 1).body()).path("messages");
        List<String> roles = StreamSupport.stream(messages.spliterator(), false).map(m -> m.path("role").asText())
                .toList();
        assertEquals(List.of("system", "user", "assistant", "tool", "assistant", "tool"), roles);
        assertEquals("call_read", messages.get(3).path("tool_call_id").asText());
        assertEquals("{\"cell_id\":\"c9\",\"index\":0}", messages.get(5).path("content").asText());
    }

    @Test
    void resumeReplaysChunksAndToolEventsExactlyFromMemoryAndFromTheDatabase() throws Exception {
        model().enqueue(Reply.stream("One. ").toolCall("call_a", "read_notebook", "{}"));
        model().enqueue(Reply.stream("Two.", " Three."));
        List<String> original = new ArrayList<>();
        String id;
        try (WsClient client = WsClient.connect(base.toString(), TOKEN).answeringPings()) {
            id = askAgent(client, "count");
            original.add(next(client, id).toString());
            JsonNode call = next(client, id);
            original.add(call.toString());
            sendResult(client, id, call.path("callId").asText(), "ok");
            for (JsonNode f = next(client, id); !"done".equals(f.path("type").asText()); f = next(client, id)) {
                original.add(f.toString());
            }
        }
        UUID uuid = UUID.fromString(id);
        for (boolean fromMemory : new boolean[] {true, false}) {
            if (!fromMemory) {
                await().until(() -> live.find(uuid) == null);
            }
            for (int afterSeq = 0; afterSeq <= original.size(); afterSeq++) {
                try (WsClient client = WsClient.connect(base.toString(), TOKEN).answeringPings()) {
                    client.resume(id, afterSeq);
                    WsClient.Answer answer = client.collect(id, afterSeq);
                    assertEquals(original.subList(afterSeq, original.size()),
                            answer.chunks().stream().map(JsonNode::toString).toList(),
                            (fromMemory ? "memory" : "database") + ", after " + afterSeq);
                    assertEquals(original.size(), answer.done().path("lastSeq").asLong());
                }
            }
        }
        api().get("/api/completions/" + id).then().statusCode(200).body("text", equalTo("One. Two. Three."));
    }

    @Test
    void aResultIsTakenOnceWhenTwoConnectionsRace() throws Exception {
        model().enqueue(Reply.stream("Go. ").toolCall("call_r", "run_cell", "{\"cell_id\":\"c1\"}"));
        model().enqueue(Reply.stream("Ran."));
        String id;
        try (WsClient a = WsClient.connect(base.toString(), TOKEN).answeringPings();
             WsClient b = WsClient.connect(base.toString(), TOKEN).answeringPings()) {
            id = askAgent(a, "run it");
            next(a, id);
            String callId = next(a, id).path("callId").asText();
            b.resume(id, 2);
            CompletableFuture.allOf(CompletableFuture.runAsync(() -> sendResult(a, id, callId, "from a")),
                    CompletableFuture.runAsync(() -> sendResult(b, id, callId, "from b"))).get();
            List<JsonNode> inA = untilAccepted(a, callId);
            List<JsonNode> inB = untilAccepted(b, callId);
            boolean aStored = !inA.get(1).path("duplicate").asBoolean();
            assertEquals(aStored, inB.get(1).path("duplicate").asBoolean(), "exactly one was stored: " + inA + inB);
            assertEquals(inA.get(0), inB.get(0), "both connections see the one stored result");
            assertFrame(inA.get(0), "tool_result", 3);
            assertEquals(aStored ? "from a" : "from b", inA.get(0).path("output").asText());
            a.collect(id, 3);
        }
        assertEquals(1, agentStore.events(UUID.fromString(id)).stream().filter(e -> e.result() != null).count());
    }

    @Test
    void unknownCallsAndEndedAnswersAreRefusedWithTheCallAsRef() {
        model().enqueue(Reply.stream("Look. ").toolCall("call_x", "read_notebook", "{}"));
        try (WsClient client = WsClient.connect(base.toString(), TOKEN).answeringPings()) {
            String id = askAgent(client, "look");
            next(client, id);
            String callId = next(client, id).path("callId").asText();
            String stranger = UUID.randomUUID().toString();
            sendResult(client, id, stranger, "?");
            JsonNode unknown = client.await("error");
            assertEquals("not_found", unknown.path("code").asText());
            assertEquals(stranger, unknown.path("ref").asText());

            client.send(WsClient.JSON.createObjectNode().put("type", "cancel").put("completionId", id));
            JsonNode done = next(client, id);
            assertEquals("cancelled", done.path("status").asText());
            assertEquals(2, done.path("lastSeq").asLong());
            sendResult(client, id, callId, "too late");
            JsonNode late = client.await("error");
            assertEquals("not_found", late.path("code").asText());
            assertEquals(callId, late.path("ref").asText());
            assertFalse(late.path("retryable").asBoolean());
        }
    }

    @Test
    void dropsAtEveryPointOfAToolRoundTripEndWithEachResultTakenOnceAndTheStoredText() throws Exception {
        Reply first = model().enqueue(Reply.stream("Step ", "one. ")
                .toolCall("call_1", "insert_cell", "{\"source\":\"x = 1\"}").gated());
        model().enqueue(Reply.stream("Step two. ").toolCall("call_2", "run_cell", "{\"cell_id\":\"c1\"}"));
        model().enqueue(Reply.stream("All ", "done."));
        StringBuilder text = new StringBuilder();
        long held;
        String id;
        // 1. dropped before the call arrives
        try (WsClient client = WsClient.connect(base.toString(), TOKEN).answeringPings()) {
            id = askAgent(client, "build it");
            first.release(1);
            text.append(next(client, id).path("delta").asText());
            held = 1;
            client.drop();
        }
        first.releaseAll();
        String call1;
        // 2. the call arrives after the resume; dropped after it was applied, before the result was sent
        try (WsClient client = WsClient.connect(base.toString(), TOKEN).answeringPings()) {
            client.resume(id, held);
            text.append(next(client, id).path("delta").asText());
            JsonNode call = next(client, id);
            assertFrame(call, "tool_call", 3);
            call1 = call.path("callId").asText();
            held = 3;
            client.drop();
        }
        // 3. replayed once more after the reconnect; the result is sent, and the connection drops before its ack
        try (WsClient client = WsClient.connect(base.toString(), TOKEN).answeringPings()) {
            client.resume(id, held - 1);
            assertEquals(call1, next(client, id).path("callId").asText(), "the call is replayed, not made again");
            sendResult(client, id, call1, "{\"cell_id\":\"c1\",\"index\":0}");
            client.drop();
        }
        // 4. the client resends the result it had no ack for: a duplicate; the stream goes on
        String call2;
        try (WsClient client = WsClient.connect(base.toString(), TOKEN).answeringPings()) {
            client.resume(id, held);
            assertFrame(next(client, id), "tool_result", 4);
            assertTrue(answer(client, id, call1, "{\"cell_id\":\"c1\",\"index\":0}").path("duplicate").asBoolean());
            text.append(next(client, id).path("delta").asText());
            JsonNode call = next(client, id);
            call2 = call.path("callId").asText();
            // 5. dropped right after the result is sent
            sendResult(client, id, call2, "{\"outputs\":[]}");
            client.drop();
        }
        try (WsClient client = WsClient.connect(base.toString(), TOKEN).answeringPings()) {
            client.resume(id, 6);
            WsClient.Answer rest = client.collect(id, 6);
            rest.chunks().forEach(f -> text.append(f.path("delta").asText()));
            assertEquals("completed", rest.done().path("status").asText());
        }
        String stored = api().get("/api/completions/" + id).jsonPath().getString("text");
        assertEquals("Step one. Step two. All done.", stored);
        assertEquals(stored, text.toString());
        List<ToolEvent> events = agentStore.events(UUID.fromString(id));
        assertEquals(List.of(call1, call1, call2, call2), events.stream().map(ToolEvent::callId).toList());
        assertEquals(2, events.stream().filter(e -> e.result() != null).count(), "one result per call");
    }
}

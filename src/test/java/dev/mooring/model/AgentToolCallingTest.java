package dev.mooring.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.testing.FakeOpenAiServer;
import dev.mooring.testing.FakeOpenAiServer.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.StreamSupport;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Agent mode in the model layer: the notebook's tools offered to the model, its tool calls delivered with the end of
 * its turn, and the steps so far sent back, over the real LangChain4j client and a server speaking OpenAI's
 * tool-calling stream; and the demo model's scripted agent run.
 */
class AgentToolCallingTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private FakeOpenAiServer server;
    private final List<LangChain4jModelGateway> gateways = new ArrayList<>();

    @BeforeEach
    void startServer() {
        server = FakeOpenAiServer.start();
    }

    @AfterEach
    void stop() {
        gateways.forEach(LangChain4jModelGateway::close);
        server.close();
    }

    private LangChain4jModelGateway openAi() {
        return keep(TestConfigs.gateway(TestConfigs.openAi(server.baseUrl(), Duration.ofSeconds(5)),
                TestConfigs.demo(0, 1)));
    }

    private LangChain4jModelGateway demo() {
        return keep(TestConfigs.gateway(TestConfigs.provider("demo"), TestConfigs.demo(0, 60)));
    }

    private LangChain4jModelGateway keep(LangChain4jModelGateway gateway) {
        gateways.add(gateway);
        return gateway;
    }

    private static ModelRequest agent(String text, List<AgentStep> steps) {
        return new ModelRequest(List.of(), text, null, ModelRequest.AGENT, steps);
    }

    private static RecordingListener run(LangChain4jModelGateway gateway, ModelRequest request) {
        RecordingListener listener = new RecordingListener();
        gateway.stream(request, listener);
        await().atMost(WAIT).until(listener::ended);
        assertTrue(listener.violations.isEmpty(), listener.violations::toString);
        assertTrue(listener.errors.isEmpty(), () -> "model error: " + listener.errors);
        return listener;
    }

    @Test
    void agentModeOffersTheNotebookToolsAndDeliversTheCallsWithTheEndOfTheTurn() throws Exception {
        server.enqueue(Reply.stream("Let me ", "look first.")
                .toolCall("call_read", "read_notebook", "{}")
                .toolCall("call_ins", "insert_cell", "{\"source\":\"print(\\\"hi\\\")\",\"cell_type\":\"code\"}"));

        RecordingListener listener = run(openAi(), agent("add a greeting", List.of()));

        assertEquals("Let me look first.", listener.text());
        assertEquals(2, listener.toolCalls.size());
        ToolCall read = listener.toolCalls.get(0);
        ToolCall insert = listener.toolCalls.get(1);
        assertEquals("read_notebook", read.name());
        assertEquals("call_read", read.providerId());
        assertEquals("{}", read.arguments());
        assertEquals("insert_cell", insert.name());
        assertEquals("print(\"hi\")", JSON.readTree(insert.arguments()).path("source").asText());
        UUID.fromString(read.id());
        assertFalse(read.id().equals(insert.id()), "each call has an id of its own");

        JsonNode body = JSON.readTree(server.lastRequest().body());
        Set<String> offered = Set.copyOf(StreamSupport.stream(body.path("tools").spliterator(), false)
                .map(tool -> tool.path("function").path("name").asText()).toList());
        assertEquals(NotebookTools.NAMES, offered);
    }

    @Test
    void otherModesOfferNoTools() throws Exception {
        server.enqueue(Reply.stream("plain"));

        RecordingListener listener = run(openAi(), new ModelRequest(List.of(), "hi", null, "chat"));

        assertEquals(List.of(), listener.toolCalls);
        assertTrue(JSON.readTree(server.lastRequest().body()).path("tools").isMissingNode());
    }

    @Test
    void theStepsSoFarAreSentAsTheAssistantsToolCallsThenTheirResults() throws Exception {
        server.enqueue(Reply.stream("All done."));
        ToolCall read = new ToolCall(UUID.randomUUID().toString(), "call_read", "read_notebook", "{}");
        ToolCall run = new ToolCall(UUID.randomUUID().toString(), "call_run", "run_cell", "{\"cell_id\":\"c1\"}");
        List<AgentStep> steps = List.of(
                new AgentStep("Reading.", List.of(read), List.of(new ToolResult(read.id(), "{\"cells\":[]}", false))),
                new AgentStep("", List.of(run), List.of(new ToolResult(run.id(), "NameError: x", true))));

        RecordingListener listener = run(openAi(), agent("go", steps));

        assertEquals("All done.", listener.text());
        JsonNode messages = JSON.readTree(server.lastRequest().body()).path("messages");
        List<String> roles = StreamSupport.stream(messages.spliterator(), false).map(m -> m.path("role").asText())
                .toList();
        assertEquals(List.of("system", "user", "assistant", "tool", "assistant", "tool"), roles);
        assertEquals("Reading.", messages.get(2).path("content").asText());
        assertEquals("call_read", messages.get(2).path("tool_calls").get(0).path("id").asText());
        assertEquals("read_notebook", messages.get(2).path("tool_calls").get(0).path("function").path("name").asText());
        assertEquals("call_read", messages.get(3).path("tool_call_id").asText());
        assertEquals("{\"cells\":[]}", messages.get(3).path("content").asText());
        assertEquals("call_run", messages.get(5).path("tool_call_id").asText());
        assertEquals("NameError: x", messages.get(5).path("content").asText());
        assertTrue(messages.get(0).path("content").asText().contains("agent mode"));
    }

    @Test
    void theDemoAgentReadsInsertsRunsFixesAndRunsAgainThenSummarises() throws Exception {
        List<AgentStep> steps = new ArrayList<>();
        ToolCall read = onlyCall(run(demo(), agent("plot it", steps)), "read_notebook");
        steps.add(step(read, "{\"cells\":[{\"cell_id\":\"a\"},{\"cell_id\":\"b\"}]}", false));

        RecordingListener second = run(demo(), agent("plot it", steps));
        assertTrue(second.text().startsWith("The notebook has 2 cells."), second.text());
        ToolCall insert = onlyCall(second, "insert_cell");
        assertEquals(DemoAgentScript.CELL, JSON.readTree(insert.arguments()).path("source").asText());
        steps.add(step(insert, "{\"cell_id\":\"new-cell\",\"index\":2}", false));

        ToolCall firstRun = onlyCall(run(demo(), agent("plot it", steps)), "run_cell");
        assertEquals("new-cell", JSON.readTree(firstRun.arguments()).path("cell_id").asText());
        steps.add(step(firstRun, "{\"error\":\"NameError: name 'math' is not defined\\nTraceback\"}", true));

        RecordingListener fixing = run(demo(), agent("plot it", steps));
        assertTrue(fixing.text().contains("NameError: name 'math' is not defined"), fixing.text());
        ToolCall replace = onlyCall(fixing, "replace_cell");
        assertEquals(DemoAgentScript.FIXED_CELL, JSON.readTree(replace.arguments()).path("source").asText());
        steps.add(step(replace, "{\"cell_id\":\"new-cell\",\"index\":2}", false));

        ToolCall secondRun = onlyCall(run(demo(), agent("plot it", steps)), "run_cell");
        steps.add(step(secondRun, "{\"outputs\":[\"[3.14, 19.63, 50.27]\\n\"]}", false));

        RecordingListener last = run(demo(), agent("plot it", steps));
        assertEquals(List.of(), last.toolCalls);
        assertEquals("Done. I added one cell, fixed its missing import and ran it; it printed `[3.14, 19.63, 50.27]`.",
                last.text());
    }

    @Test
    void theDemoAgentStopsWhenTheUserDeclines() {
        List<AgentStep> steps = new ArrayList<>();
        steps.add(step(onlyCall(run(demo(), agent("go", steps)), "read_notebook"), "{\"cells\":[]}", false));
        steps.add(step(onlyCall(run(demo(), agent("go", steps)), "insert_cell"), "the user declined this call", true));

        RecordingListener last = run(demo(), agent("go", steps));

        assertEquals(List.of(), last.toolCalls);
        assertTrue(last.text().contains("declined"), last.text());
    }

    private static ToolCall onlyCall(RecordingListener listener, String name) {
        assertEquals(1, listener.toolCalls.size(), () -> "calls: " + listener.toolCalls);
        ToolCall call = listener.toolCalls.get(0);
        assertEquals(name, call.name());
        return call;
    }

    private static AgentStep step(ToolCall call, String output, boolean error) {
        return new AgentStep("", List.of(call), List.of(new ToolResult(call.id(), output, error)));
    }
}

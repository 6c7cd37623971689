package dev.mooring.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.StreamSupport;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Agent mode on the Anthropic and Ollama providers: the real LangChain4j clients sent to a local server that answers
 * a tool call in the provider's own streaming format (Anthropic's server-sent events, Ollama's JSON lines). The
 * tools go out in the provider's shape and the call comes back to the gateway's listener.
 */
class ProviderToolCallingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer server;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private LangChain4jModelGateway gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        server.stop(0);
    }

    /** A server on 127.0.0.1 that records each request body and answers it with {@code reply}. */
    private String serve(String path, String contentType, String reply) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(path, exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] body = reply.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", contentType);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private RecordingListener run(String provider, String baseUrl) {
        gateway = TestConfigs.gateway(new TestConfigs.Model(Optional.of(provider), Optional.of("test-model"),
                Optional.of(baseUrl), Optional.of("test-key"), Duration.ofSeconds(5), 256), TestConfigs.demo(0, 1));
        RecordingListener listener = new RecordingListener();
        gateway.stream(new ModelRequest(List.of(), "look at my notebook", null, ModelRequest.AGENT), listener);
        await().atMost(Duration.ofSeconds(10)).until(listener::ended);
        assertTrue(listener.errors.isEmpty(), () -> "model error: " + listener.errors);
        return listener;
    }

    private static List<String> names(JsonNode tools, String field) {
        return StreamSupport.stream(tools.spliterator(), false).map(tool -> tool.at(field).asText()).sorted().toList();
    }

    @Test
    void anthropicGetsTheToolsAndItsToolUseBlockBecomesACall() throws Exception {
        String base = serve("/v1/messages", "text/event-stream", String.join("", List.of(
                event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\","
                        + "\"role\":\"assistant\",\"model\":\"test-model\",\"content\":[],\"stop_reason\":null,"
                        + "\"usage\":{\"input_tokens\":10,\"output_tokens\":1}}}"),
                event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,"
                        + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"),
                event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                        + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Reading first.\"}}"),
                event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"),
                event("content_block_start", "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":"
                        + "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"run_cell\",\"input\":{}}}"),
                event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":"
                        + "{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"cell_id\\\": \"}}"),
                event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":"
                        + "{\"type\":\"input_json_delta\",\"partial_json\":\"\\\"c1\\\"}\"}}"),
                event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}"),
                event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},"
                        + "\"usage\":{\"output_tokens\":20}}"),
                event("message_stop", "{\"type\":\"message_stop\"}"))));

        RecordingListener listener = run("anthropic", base + "/v1/");

        assertEquals("Reading first.", listener.text());
        assertEquals(1, listener.toolCalls.size());
        ToolCall call = listener.toolCalls.get(0);
        assertEquals("run_cell", call.name());
        assertEquals("toolu_1", call.providerId());
        assertEquals("c1", JSON.readTree(call.arguments()).path("cell_id").asText());
        JsonNode tools = JSON.readTree(bodies.get(0)).path("tools");
        assertEquals(NotebookTools.NAMES.stream().sorted().toList(), names(tools, "/name"));
    }

    @Test
    void ollamaGetsTheToolsAndItsToolCallsBecomeCalls() throws Exception {
        String base = serve("/api/chat", "application/x-ndjson", String.join("\n", List.of(
                "{\"model\":\"test-model\",\"created_at\":\"2026-01-01T00:00:00Z\",\"message\":{\"role\":\"assistant\","
                        + "\"content\":\"Reading first.\"},\"done\":false}",
                "{\"model\":\"test-model\",\"created_at\":\"2026-01-01T00:00:00Z\",\"message\":{\"role\":\"assistant\","
                        + "\"content\":\"\",\"tool_calls\":[{\"function\":{\"name\":\"read_notebook\",\"arguments\":{}}}]},"
                        + "\"done\":false}",
                "{\"model\":\"test-model\",\"created_at\":\"2026-01-01T00:00:00Z\",\"message\":{\"role\":\"assistant\","
                        + "\"content\":\"\"},\"done_reason\":\"stop\",\"done\":true,\"prompt_eval_count\":10,"
                        + "\"eval_count\":5}")) + "\n");

        RecordingListener listener = run("ollama", base);

        assertEquals("Reading first.", listener.text());
        assertEquals(1, listener.toolCalls.size());
        ToolCall call = listener.toolCalls.get(0);
        assertEquals("read_notebook", call.name());
        assertTrue(call.providerId().startsWith("call_"), "Ollama gives no id: the gateway makes one");
        JsonNode tools = JSON.readTree(bodies.get(0)).path("tools");
        assertEquals(NotebookTools.NAMES.stream().sorted().toList(), names(tools, "/function/name"));
    }

    private static String event(String name, String data) {
        return "event: " + name + "\ndata: " + data + "\n\n";
    }
}

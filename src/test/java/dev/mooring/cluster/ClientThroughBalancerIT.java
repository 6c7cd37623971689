package dev.mooring.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.testing.FakeOpenAiServer.Reply;
import dev.mooring.testing.ServiceProcess;
import dev.mooring.testing.WsClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our own TypeScript client (@mooring/chat-client in Node, with ws) through HAProxy while the node it streams from
 * is killed: it reconnects to another node, resumes there, and ends with the stored answer, never showing failed. (A
 * node stopped with SIGTERM tells its own clients how their answers ended before it closes: nothing crosses nodes.)
 * Needs the client built (frontend-extension/packages/chat-client/lib), as scripts/test.sh does before this stage.
 */
class ClientThroughBalancerIT extends OnCluster {

    private static final Path SCRIPT = Path.of("frontend-extension/packages/chat-client/test/cluster/ask-through-balancer.mjs");

    @BeforeAll
    static void start() {
        assertTrue(Files.exists(SCRIPT.resolveSibling("../../lib/index.js").normalize()),
                "build the client first (cd frontend-extension && npm ci && npm run build -w @mooring/chat-client)");
        startCluster(3, Map.of("CHAT_COMPLETIONS_LEASE", "3s"));
    }

    @Test
    void ourClientSurvivesTheKillOfTheNodeItStreamedFromAndEndsWithTheStoredAnswer() throws Exception {
        model.enqueue(Reply.stream(Answers.deltas(100)).paced(Duration.ofMillis(50)));
        try (NodeClient client = NodeClient.ask(cluster.url(), "kill the node I am on")) {
            String node = client.await(e -> e.path("event").asText().equals("welcome")).path("node").asText();
            client.await(e -> e.path("event").asText().equals("chunk") && e.path("seq").asLong() >= 10);
            cluster.node(node).kill();
            JsonNode end = client.await(e -> e.path("event").asText().equals("end"));
            JsonNode stored = cluster.get(other(node), null, "/api/completions/" + end.path("completionId").asText());
            assertEquals("interrupted", end.path("status").asText());
            assertEquals(stored.path("text").asText(), end.path("text").asText(), "the answer as stored, intact");
            assertEquals(stored.path("lastSeq").asLong(), end.path("lastSeq").asLong());
            client.assertMovedFrom(node);
        }
    }

    private static String other(String node) {
        return cluster.names().stream().filter(n -> !n.equals(node)).findFirst().orElseThrow();
    }

    /** The Node script's process and the events it printed. */
    private static final class NodeClient implements AutoCloseable {
        private final Process process;
        private final LinkedBlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        private final List<JsonNode> seen = new ArrayList<>();

        private NodeClient(Process process) {
            this.process = process;
            Thread reader = new Thread(() -> lines(line -> {
                try {
                    events.add(WsClient.JSON.readTree(line));
                } catch (IOException e) {
                    events.add(WsClient.JSON.createObjectNode().put("event", "unparseable").put("line", line));
                }
            }), "node-client-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        static NodeClient ask(String balancerUrl, String question) throws IOException {
            String url = balancerUrl.replaceFirst("^http", "ws") + "/api/chat";
            return new NodeClient(new ProcessBuilder("node", SCRIPT.toString(), url, ServiceProcess.TOKEN, question)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start());
        }

        private void lines(Consumer<String> each) {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    each.accept(line);
                }
            } catch (IOException ended) {
                // the process ended
            }
        }

        /** The next event that matches (within 60 s), remembering every event on the way. */
        JsonNode await(Predicate<JsonNode> match) throws InterruptedException {
            while (true) {
                JsonNode e = events.poll(60, TimeUnit.SECONDS);
                if (e == null) {
                    throw new AssertionError("the client printed nothing that matches; it printed " + seen);
                }
                seen.add(e);
                assertNotEquals("failed", e.path("state").asText(), "the connection never shows failed: " + seen);
                if (match.test(e)) {
                    return e;
                }
            }
        }

        /** It was welcomed again by another node after {@code node}'s end, and never showed failed. */
        void assertMovedFrom(String node) throws InterruptedException {
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the script ends after the answer");
            for (JsonNode e = events.poll(); e != null; e = events.poll()) {
                seen.add(e);
            }
            assertEquals(0, process.exitValue(), "the connection never showed failed: " + seen);
            assertTrue(seen.stream().anyMatch(e -> e.path("event").asText().equals("welcome")
                    && !e.path("node").asText().equals(node)), "welcomed by another node: " + seen);
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }
}

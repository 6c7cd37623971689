package dev.mooring.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.testing.FakeModelResource;
import dev.mooring.testing.RawWebSocket;
import dev.mooring.testing.WsClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static dev.mooring.testing.ServiceTestSupport.TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every client frame up to the documented 256 KiB is served, whether or not the client cuts it into fragments; a
 * larger one is answered {@code too_large} with its ref, and one past the socket's own limit closes the connection
 * with 1009 and a reason, never a silent drop.
 */
@QuarkusTest
@QuarkusTestResource(FakeModelResource.class)
class FrameSizeTest {

    private static final int KIB = 1024;

    @TestHTTPResource("/")
    URL base;

    /** A chat frame of exactly {@code bytes} UTF-8 bytes: a notebook cell padded to size. */
    private static String chatFrame(String clientMessageId, int bytes) {
        String head = "{\"type\":\"chat\",\"clientMessageId\":\"" + clientMessageId + "\",\"text\":\"how big?\","
                + "\"context\":{\"activeCell\":{\"source\":\"";
        String tail = "\"}}}";
        int padding = bytes - head.getBytes(StandardCharsets.UTF_8).length - tail.length();
        return head + "x".repeat(padding) + tail;
    }

    private static JsonNode json(RawWebSocket.Frame frame) throws IOException {
        assertFalse(frame.isClose(), "the connection closed: " + frame);
        return WsClient.JSON.readTree(frame.text());
    }

    @Test
    void singleFramesUpToTheDocumentedLimitAreServed() throws Exception {
        for (int size : new int[] {63 * KIB, 65 * KIB, 256 * KIB}) {
            try (RawWebSocket socket = RawWebSocket.connect(base.toString(), TOKEN)) {
                String id = "sized-" + size + "-" + UUID.randomUUID();
                String frame = chatFrame(id, size);
                assertEquals(size, frame.getBytes(StandardCharsets.UTF_8).length);
                socket.send(frame).join();
                JsonNode answer = json(socket.nextContaining(id));
                assertEquals("accepted", answer.path("type").asText(), size + " bytes: " + answer);
                String completionId = answer.path("completionId").asText();
                assertEquals("done", json(socket.nextContaining("\"done\"")).path("type").asText());
                assertTrue(completionId.length() > 0);
            }
        }
    }

    @Test
    void aFrameOverTheLimitIsRefusedTooLargeWithItsRefAndTheConnectionStaysUsable() throws Exception {
        try (RawWebSocket socket = RawWebSocket.connect(base.toString(), TOKEN)) {
            socket.send(chatFrame("big-257", 257 * KIB)).join();
            JsonNode error = json(socket.nextContaining("big-257"));
            assertEquals("too_large", error.path("code").asText(), error.toString());
            assertEquals("big-257", error.path("ref").asText());
            socket.send("{\"type\":\"ping\",\"t\":3}").join();
            assertEquals(3, json(socket.nextContaining("pong")).path("t").asInt());
        }
    }

    @Test
    void aRefusedFrameIsNotParsedBeyondItsFirstBytes() throws Exception {
        try (RawWebSocket socket = RawWebSocket.connect(base.toString(), TOKEN)) {
            // cut off: only the first bytes are read to find the ref, so the broken rest does not matter
            String cut = "{\"type\":\"chat\",\"clientMessageId\":\"cut-1\",\"text\":\"" + "y".repeat(300 * KIB);
            socket.send(cut).join();
            JsonNode error = json(socket.nextContaining("too_large"));
            assertEquals("cut-1", error.path("ref").asText(), error.toString());
        }
    }

    @Test
    void aFramePastTheSocketLimitClosesWith1009AndAReason() throws Exception {
        try (RawWebSocket socket = RawWebSocket.connect(base.toString(), TOKEN)) {
            socket.next(); // welcome
            socket.send(chatFrame("huge-1", 5 * KIB * KIB));
            RawWebSocket.Frame close = socket.nextContaining("huge-1");
            assertEquals(1009, close.closeCode(), close.toString());
            assertTrue(close.text().contains("bytes"), "the reason says why: " + close);
        }
        try (WsClient client = WsClient.connect(base.toString(), TOKEN)) {
            client.await("welcome");
            try {
                client.send(chatFrame("huge-2", 5 * KIB * KIB)); // the JDK's client sends it in fragments
            } catch (java.util.concurrent.CompletionException closedWhileSending) {
                // the service may close before the last fragment is out
            }
            assertEquals(1009, client.awaitClose());
        }
        try (WsClient client = WsClient.connect(base.toString(), TOKEN)) {
            client.send("{\"type\":\"ping\",\"t\":9}");
            assertEquals(9, client.await("pong").path("t").asInt(), "the service keeps working");
        }
    }
}

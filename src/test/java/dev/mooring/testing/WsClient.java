package dev.mooring.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real WebSocket client for tests (the JDK's), with a queue of the JSON frames received. It answers nothing by
 * itself: tests that want heartbeats answered say so.
 */
public final class WsClient implements AutoCloseable {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final LinkedBlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    /** Frames {@link #take} skipped, read before the queue; only the test's thread reads. */
    private final java.util.Deque<JsonNode> kept = new java.util.ArrayDeque<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final WebSocket socket;
    private volatile boolean answerPings;
    private volatile boolean paused;

    private WsClient(URI uri, Map<String, String> headers) {
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(WAIT);
        headers.forEach(builder::header);
        try {
            socket = builder.buildAsync(uri, new Listener()).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Connects to {@code /api/chat} of the service at {@code httpBase} with the token as a query parameter. */
    public static WsClient connect(String httpBase, String token) {
        return new WsClient(chatUri(httpBase, token), Map.of());
    }

    public static WsClient connect(URI uri, Map<String, String> headers) {
        return new WsClient(uri, headers);
    }

    public static URI chatUri(String httpBase, String token) {
        String base = httpBase.replaceFirst("^http", "ws").replaceAll("/$", "");
        return URI.create(base + "/api/chat" + (token == null ? "" : "?token=" + token));
    }

    /** The HTTP status that refused an upgrade, or -1 if the upgrade succeeded. */
    public static int upgradeStatus(URI uri, Map<String, String> headers) {
        try (WsClient c = new WsClient(uri, headers)) {
            return -1;
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                return h.getResponse().statusCode();
            }
            throw e;
        }
    }

    /** Stops reading from the socket, as a client that never reads: the service's frames back up in TCP. */
    public void pauseReading() {
        paused = true;
    }

    /** Reads again after {@link #pauseReading()}. */
    public void resumeReading() {
        paused = false;
        socket.request(1);
    }

    /** The frames received and not yet taken by an await, in order; takes none of them. */
    public List<JsonNode> received() {
        return List.copyOf(frames);
    }

    /** Answer every server ping with a pong, as a real client does. */
    public WsClient answeringPings() {
        this.answerPings = true;
        return this;
    }

    public void send(Object frame) {
        String text = frame instanceof String s ? s : JSON.valueToTree(frame).toString();
        socket.sendText(text, true).join();
    }

    /** Sends a chat frame with a fresh clientMessageId; returns that id. */
    public String chat(String text) {
        String id = UUID.randomUUID().toString();
        send(chatFrame(id, null, text));
        return id;
    }

    public static ObjectNode chatFrame(String clientMessageId, String conversationId, String text) {
        ObjectNode frame = JSON.createObjectNode().put("type", "chat").put("clientMessageId", clientMessageId)
                .put("text", text);
        if (conversationId != null) {
            frame.put("conversationId", conversationId);
        }
        return frame;
    }

    public void resume(String completionId, long afterSeq) {
        send(JSON.createObjectNode().put("type", "resume").put("completionId", completionId).put("afterSeq", afterSeq));
    }

    /** The next frame of {@code type}, skipping heartbeats and anything else on the way. */
    public JsonNode await(String type) {
        return await(f -> type.equals(f.path("type").asText()), type);
    }

    /** The next frame that matches, skipping the others. */
    public JsonNode await(Predicate<JsonNode> match, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            JsonNode f = poll(deadline, what);
            if (match.test(f)) {
                return f;
            }
        }
    }

    /**
     * The next frame that matches; the frames skipped on the way (but heartbeats) are kept, in order, for the next
     * read: for exchanges whose frames interleave with a stream.
     */
    public JsonNode take(Predicate<JsonNode> match, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<JsonNode> skipped = new ArrayList<>();
        try {
            while (true) {
                JsonNode f = poll(deadline, what);
                if (match.test(f)) {
                    return f;
                }
                if (!f.path("type").asText().matches("ping|pong")) {
                    skipped.add(f);
                }
            }
        } finally {
            for (int i = skipped.size() - 1; i >= 0; i--) {
                kept.addFirst(skipped.get(i));
            }
        }
    }

    /** The next frame that is not a heartbeat, whatever it is. */
    public JsonNode next() {
        return await(f -> !f.path("type").asText().matches("ping|pong"), "any frame");
    }

    /**
     * Collects the chunks (and tool events) of one completion until its done: returns them (seq, delta) with the
     * done frame last. Fails on a gap or a repeated seq.
     */
    public Answer collect(String completionId, long afterSeq) {
        List<JsonNode> chunks = new ArrayList<>();
        long expected = afterSeq + 1;
        while (true) {
            JsonNode f = await(x -> inStream(x, completionId), "chunk or done of " + completionId);
            if (f.path("type").asText().equals("done")) {
                return new Answer(chunks, f);
            }
            long seq = f.path("seq").asLong();
            if (seq != expected) {
                throw new AssertionError("expected seq " + expected + " but got " + seq);
            }
            expected++;
            chunks.add(f);
        }
    }

    /** Reads chunks of one completion until {@code count} arrived (no done expected yet). */
    public List<JsonNode> chunks(String completionId, int count) {
        List<JsonNode> chunks = new ArrayList<>();
        while (chunks.size() < count) {
            JsonNode f = await(x -> inStream(x, completionId), "chunk of " + completionId);
            if (!f.path("type").asText().equals("chunk")) {
                throw new AssertionError("completion ended early: " + f);
            }
            chunks.add(f);
        }
        return chunks;
    }

    /** Whether a frame is an event of the completion's seq stream (a chunk, a tool event) or its done. */
    private static boolean inStream(JsonNode frame, String completionId) {
        return completionId.equals(frame.path("completionId").asText())
                && (frame.has("seq") || "done".equals(frame.path("type").asText()));
    }

    /** The close code the server sent, waiting for it. */
    public int awaitClose() {
        return closed.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    /** Drops the TCP connection without a close handshake, as a sleeping laptop would. */
    public void drop() {
        socket.abort();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(e -> null);
        }
        socket.abort();
    }

    private JsonNode poll(long deadline, String what) {
        if (!kept.isEmpty()) {
            return kept.removeFirst();
        }
        try {
            long left = deadline - System.nanoTime();
            JsonNode f = left > 0 ? frames.poll(left, TimeUnit.NANOSECONDS) : null;
            if (f == null) {
                throw new AssertionError("no " + what + " within " + WAIT + (closed.isDone()
                        ? " (socket closed with " + closed.getNow(null) + ")" : ""));
            }
            return f;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** One completion's frames as received. */
    public record Answer(List<JsonNode> chunks, JsonNode done) {
        public String text() {
            StringBuilder sb = new StringBuilder();
            chunks.forEach(c -> sb.append(c.path("delta").asText()));
            return sb.toString();
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode f = JSON.readTree(partial.toString());
                    if (answerPings && "ping".equals(f.path("type").asText())) {
                        ws.sendText(JSON.createObjectNode().put("type", "pong").set("t", f.get("t")).toString(), true);
                    }
                    frames.add(f);
                } catch (Exception e) {
                    frames.add(JSON.createObjectNode().put("type", "unparseable").put("text", partial.toString()));
                }
                partial.setLength(0);
            }
            if (!paused) {
                ws.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            ended(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            ended(1006);
        }

        /** The socket ended: a last frame {@code {"type": "closed", "code": N}} tells a reader waiting on the queue. */
        private void ended(int code) {
            if (closed.complete(code)) {
                frames.add(JSON.createObjectNode().put("type", "closed").put("code", code));
            }
        }
    }
}

package dev.mooring.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.testing.WsClient;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One answer read to its {@code done} across as many connections as it takes, as a client does: each connection
 * resumes from the last seq held; every seq must arrive once and in order, and a {@code done} whose lastSeq is below
 * what is held trims the text to it (what the history shows).
 */
final class Reassembly {

    final String completionId;
    private final List<String> deltas = new ArrayList<>();
    private JsonNode done;
    private int connections;

    Reassembly(String completionId) {
        this.completionId = completionId;
    }

    /** The next connection: sends resume from what is held (unless {@code following} already) and reads. */
    boolean resumeOn(WsClient client, int atMostChunks) {
        connections++;
        client.resume(completionId, held());
        return read(client, atMostChunks);
    }

    /**
     * Reads this answer's frames from {@code client} until its done (true), the socket's close, or {@code atMostChunks}
     * chunks (0: no limit; false for both).
     */
    boolean read(WsClient client, int atMostChunks) {
        int taken = 0;
        while (true) {
            JsonNode f = client.await(x -> completionId.equals(x.path("completionId").asText())
                    || "closed".equals(x.path("type").asText()), "a frame of " + completionId);
            switch (f.path("type").asText()) {
                case "closed" -> {
                    return false;
                }
                case "done" -> {
                    done = f;
                    long last = f.path("lastSeq").asLong();
                    while (deltas.size() > last) {
                        deltas.remove(deltas.size() - 1);
                    }
                    assertEquals(last, deltas.size(), "done's lastSeq names every chunk held");
                    return true;
                }
                default -> {
                    assertEquals(held() + 1, f.path("seq").asLong(), "no gap, no repeat");
                    deltas.add(f.path("delta").asText());
                    if (atMostChunks > 0 && ++taken == atMostChunks) {
                        return false;
                    }
                }
            }
        }
    }

    long held() {
        return deltas.size();
    }

    String text() {
        return String.join("", deltas);
    }

    JsonNode done() {
        return done;
    }

    int connections() {
        return connections;
    }
}

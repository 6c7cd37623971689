package dev.mooring.completion;

import dev.mooring.testing.FakeModelResource;
import dev.mooring.testing.FakeOpenAiServer.Reply;
import dev.mooring.testing.WsClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.mooring.testing.ServiceTestSupport.TOKEN;
import static dev.mooring.testing.ServiceTestSupport.ask;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ended answers are kept in memory within {@code chat.completions.retain-max-bytes} as well as for
 * {@code chat.completions.retain-after-end}: past the byte bound the oldest is let go of first, and its resume is
 * served from the store, exactly as it was streamed.
 */
@QuarkusTest
@QuarkusTestResource(FakeModelResource.class)
@TestProfile(HotWindowTest.SmallHotWindow.class)
class HotWindowTest {

    public static class SmallHotWindow implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // one answer of ANSWER_CHARS fits, two do not; time alone would keep both
            return Map.of("chat.completions.retain-after-end", "10m", "chat.completions.retain-max-bytes", "24576");
        }
    }

    private static final int CHUNKS = 200;

    @TestHTTPResource("/")
    URL base;

    @Inject
    LiveCompletions live;

    @Inject
    HotWindow hot;

    /** About 8,000 characters in chunks of uneven lengths, so that a boundary moved by one would show. */
    private static List<String> deltas(String tag) {
        List<String> deltas = new ArrayList<>();
        for (int i = 1; i <= CHUNKS; i++) {
            deltas.add(tag + i + "·" + "x".repeat(i % 7 * 9) + " ");
        }
        return deltas;
    }

    private String answer(WsClient client, List<String> deltas) {
        FakeModelResource.server().enqueue(Reply.stream(deltas));
        String id = ask(client, "write " + deltas.size() + " pieces").path("completionId").asText();
        assertEquals(String.join("", deltas), client.collect(id, 0).text());
        return id;
    }

    @Test
    void theOldestEndedAnswerPastTheByteBoundIsServedFromTheStoreExactly() {
        try (WsClient client = WsClient.connect(base.toString(), TOKEN).answeringPings()) {
            List<String> first = deltas("a");
            String firstId = answer(client, first);
            await().until(() -> live.find(UUID.fromString(firstId)) != null && hot.runs() >= 1);
            List<String> second = deltas("b");
            String secondId = answer(client, second);

            await().until(() -> live.find(UUID.fromString(firstId)) == null);
            assertNotNull(live.find(UUID.fromString(secondId)), "the newest ended answer stays in memory");
            assertTrue(hot.bytes() <= 24 * 1024, "the window holds " + hot.bytes() + " bytes");

            client.resume(firstId, 0);
            WsClient.Answer fromStore = client.collect(firstId, 0);
            assertEquals(first, fromStore.chunks().stream().map(c -> c.path("delta").asText()).toList(),
                    "every chunk with its seq and its text");
            assertEquals("completed", fromStore.done().path("status").asText());
            assertEquals(CHUNKS, fromStore.done().path("lastSeq").asLong());

            client.resume(secondId, CHUNKS - 5);
            assertEquals(String.join("", second.subList(CHUNKS - 5, CHUNKS)), client.collect(secondId, CHUNKS - 5)
                    .text());
        }
    }
}

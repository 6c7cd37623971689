package dev.mooring.completion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.testing.FakeModelResource;
import dev.mooring.testing.FakeOpenAiServer.Reply;
import dev.mooring.testing.WsClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.enterprise.inject.Vetoed;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.net.URL;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.mooring.testing.ServiceTestSupport.TOKEN;
import static dev.mooring.testing.ServiceTestSupport.api;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Accepting a question stores the user message, the conversation if new, the assistant message and the running
 * completion in one transaction, and the unique {@code client_message_id} settles resends that race.
 */
@QuarkusTest
@QuarkusTestResource(FakeModelResource.class)
class AcceptanceTransactionTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    DataSource dataSource;

    /** The real store, failing once just after the completion row is written, inside the accepting transaction. */
    @Vetoed
    private static final class FailsOnceAfterInsert extends JdbcCompletionStore {
        private boolean failed;

        FailsOnceAfterInsert(DataSource dataSource) {
            super(dataSource, new OwnerToken());
        }

        @Override
        public void insert(UUID id, UUID conversationId, UUID requestMessageId, UUID messageId, String user,
                           String node, Instant leaseUntil) {
            super.insert(id, conversationId, requestMessageId, messageId, user, node, leaseUntil);
            if (!failed) {
                failed = true;
                throw new IllegalStateException("the disk is full");
            }
        }
    }

    @Test
    void aQuestionWhoseCompletionCannotBeStoredLeavesNothingBehindAndCanBeSentAgain() {
        QuarkusMock.installMockForType(new FailsOnceAfterInsert(dataSource), CompletionStore.class);
        String clientMessageId = UUID.randomUUID().toString();
        String text = "asked while the disk was full " + clientMessageId;
        int requests = FakeModelResource.server().requestCount();
        try (WsClient client = WsClient.connect(base.toString(), TOKEN)) {
            client.send(WsClient.chatFrame(clientMessageId, null, text));
            JsonNode error = client.await("error");
            assertEquals("internal", error.path("code").asText());
            assertEquals(clientMessageId, error.path("ref").asText());
            api().get("/api/conversations").then().statusCode(200).body("title", not(hasItem(text)));
            assertEquals(requests, FakeModelResource.server().requestCount(), "nothing began");

            client.send(WsClient.chatFrame(clientMessageId, null, text));
            JsonNode accepted = client.await("accepted");
            assertFalse(accepted.path("duplicate").asBoolean(), "the first attempt stored no message");
            assertEquals("completed", client.collect(accepted.path("completionId").asText(), 0).done()
                    .path("status").asText());
            api().get("/api/conversations/" + accepted.path("conversationId").asText()).then().statusCode(200)
                    .body("title", equalTo(text)).body("messages.size()", equalTo(2));
        }
    }

    @Test
    void racingSendsOfOneQuestionStoreItOnceAndAllGetItsIds() throws Exception {
        FakeModelResource.server().enqueue(Reply.stream("once ", "only"));
        String clientMessageId = UUID.randomUUID().toString();
        int requests = FakeModelResource.server().requestCount();
        List<WsClient> clients = new ArrayList<>();
        ExecutorService senders = Executors.newFixedThreadPool(6);
        try {
            for (int i = 0; i < 6; i++) {
                WsClient client = WsClient.connect(base.toString(), TOKEN);
                clients.add(client);
                client.await("welcome");
            }
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> sent = new ArrayList<>();
            for (WsClient client : clients) {
                sent.add(senders.submit(() -> {
                    go.await();
                    client.send(WsClient.chatFrame(clientMessageId, null, "raced"));
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : sent) {
                f.get();
            }
            List<JsonNode> accepted = new ArrayList<>();
            for (WsClient client : clients) {
                accepted.add(client.await("accepted"));
            }
            assertEquals(1, accepted.stream().filter(a -> !a.path("duplicate").asBoolean()).count(), accepted::toString);
            for (String field : List.of("conversationId", "messageId", "completionId")) {
                assertEquals(1, accepted.stream().map(a -> a.path(field).asText()).distinct().count(), field);
            }
            String completionId = accepted.get(0).path("completionId").asText();
            try (WsClient reader = WsClient.connect(base.toString(), TOKEN)) {
                reader.resume(completionId, 0);
                assertEquals("once only", reader.collect(completionId, 0).text());
            }
            assertEquals(requests + 1, FakeModelResource.server().requestCount(), "one completion began");
            api().get("/api/conversations/" + accepted.get(0).path("conversationId").asText()).then()
                    .statusCode(200).body("messages.size()", equalTo(2));
        } finally {
            senders.shutdownNow();
            clients.forEach(WsClient::close);
        }
    }
}

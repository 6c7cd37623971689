package dev.mooring.completion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.testing.FakeModelResource;
import dev.mooring.testing.FakeOpenAiServer.Reply;
import dev.mooring.testing.PatientModel;
import dev.mooring.testing.WsClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.UUID;

import static dev.mooring.testing.ServiceTestSupport.TOKEN;
import static dev.mooring.testing.ServiceTestSupport.api;
import static dev.mooring.testing.ServiceTestSupport.ask;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any frame or request, on any connection, at any moment after {@code accepted}, sees the answer running or as it
 * truly ended; this node never settles an answer it runs as orphaned.
 */
@QuarkusTest
@QuarkusTestResource(FakeModelResource.class)
@TestProfile(PatientModel.class)
class ResumeRaceTest {

    private static final int ROUNDS = 30;

    @TestHTTPResource("/")
    URL base;

    @Inject
    CompletionStore store;

    @Inject
    Checkpointer checkpointer;

    @Inject
    DataSource dataSource;

    @Test
    void aResumeRestGetOrCancelOnAnotherConnectionRightAfterAcceptedSeesTheTruth() {
        try (WsClient asker = WsClient.connect(base.toString(), TOKEN).answeringPings();
             WsClient other = WsClient.connect(base.toString(), TOKEN).answeringPings()) {
            for (int round = 0; round < ROUNDS; round++) {
                // each answer is the fake model's default one: a cancel may come before the model is called
                String id = ask(asker, "race " + round).path("completionId").asText();
                String toldOther;
                String textOther = null;
                switch (round % 3) {
                    case 0 -> {
                        other.resume(id, 0);
                        WsClient.Answer answer = other.collect(id, 0);
                        toldOther = answer.done().path("status").asText();
                        textOther = answer.text();
                    }
                    case 1 -> {
                        JsonNode view = api().get("/api/completions/" + id).then().statusCode(200).extract()
                                .as(JsonNode.class);
                        toldOther = view.path("status").asText();
                        assertTrue(Set.of("running", "completed").contains(toldOther), view.toString());
                    }
                    default -> {
                        other.send(WsClient.JSON.createObjectNode().put("type", "cancel").put("completionId", id));
                        toldOther = other.await(f -> "done".equals(f.path("type").asText())
                                && id.equals(f.path("completionId").asText()), "done of " + id).path("status").asText();
                        assertTrue(Set.of("cancelled", "completed").contains(toldOther), toldOther);
                    }
                }
                WsClient.Answer asked = asker.collect(id, 0);
                String status = asked.done().path("status").asText();
                StoredCompletion stored = store.find(UUID.fromString(id)).orElseThrow();
                assertEquals(status, stored.status().label(), "round " + round + ": told " + status);
                assertEquals(asked.text(), stored.text(), "round " + round);
                if (textOther != null) {
                    assertEquals(asked.text(), textOther, "round " + round + ": the resume got the same text");
                }
                if (!"running".equals(toldOther)) {
                    assertEquals(status, toldOther, "round " + round + ": both connections were told one end");
                }
            }
        }
    }

    @Test
    void anAnswerThisNodeRunsIsNotSettledWhenItsLeaseRanOutWhileTheStoreWasDown() throws Exception {
        Reply reply = FakeModelResource.server().enqueue(Reply.stream("one ", "two ", "three").gated());
        try (WsClient client = WsClient.connect(base.toString(), TOKEN).answeringPings()) {
            String completionId = ask(client, "outlive your lease").path("completionId").asText();
            UUID id = UUID.fromString(completionId);
            reply.release(1);
            client.chunks(completionId, 1);
            await().until(() -> store.find(id).orElseThrow().lastSeq() == 1);
            // the lease this node holds ran out while it could not renew it (its database was unreachable)
            try (Connection c = dataSource.getConnection();
                 PreparedStatement ps = c.prepareStatement("UPDATE completion SET lease_until = ? WHERE id = ?")) {
                ps.setObject(1, OffsetDateTime.now(ZoneOffset.UTC).minusHours(1));
                ps.setObject(2, id);
                assertEquals(1, ps.executeUpdate());
            }
            checkpointer.interruptExpired();
            assertEquals(CompletionStatus.RUNNING, store.find(id).orElseThrow().status());

            reply.release(1);
            client.chunks(completionId, 1);
            await().until(() -> store.find(id).orElseThrow().lastSeq() == 2);
            reply.releaseAll();
            assertEquals("completed", client.collect(completionId, 2).done().path("status").asText());
            assertEquals("one two three", store.find(id).orElseThrow().text());
        }
    }
}

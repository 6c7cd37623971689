package dev.mooring.completion;

import dev.mooring.api.Caller;
import dev.mooring.conversation.Conversation;
import dev.mooring.conversation.Message;
import dev.mooring.model.ModelRequest;
import dev.mooring.testing.FakeModelResource;
import dev.mooring.testing.FakeOpenAiServer.Reply;
import dev.mooring.testing.WsClient;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.mooring.testing.ServiceTestSupport.TOKEN;
import static dev.mooring.testing.ServiceTestSupport.ask;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** What passes through {@link CompletionService}, the one door to answers, and what it leaves alone. */
@QuarkusTest
@QuarkusTestResource(FakeModelResource.class)
class CompletionDoorTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    CompletionService completions;

    @Inject
    LiveCompletions live;

    /** Collects what a subscriber is told. */
    private static final class Recorder implements Subscriber {
        final StringBuilder text = new StringBuilder();
        final CompletableFuture<CompletionEnd> end = new CompletableFuture<>();

        @Override
        public void chunk(Chunk chunk) {
            text.append(chunk.delta());
        }

        @Override
        public void toolEvent(ToolEvent event) {
            throw new AssertionError("no tool event in chat mode: " + event);
        }

        @Override
        public void end(CompletionEnd ending) {
            end.complete(ending);
        }
    }

    @Test
    void aCompletionBegunButNotYetCommittedIsFollowedNotSettledAsAnOrphan() throws Exception {
        FakeModelResource.server().enqueue(Reply.stream("after ", "the ", "commit"));
        Recorder recorder = new Recorder();
        UUID id = QuarkusTransaction.requiringNew().call(() -> {
            Instant now = Instant.now();
            Conversation conversation = new Conversation();
            conversation.id = UUID.randomUUID();
            conversation.title = "begun";
            conversation.ownerUser = Caller.SINGLE_USER;
            conversation.createdAt = now;
            conversation.updatedAt = now;
            conversation.persist();
            UUID user = message(conversation.id, Message.USER, now);
            UUID assistant = message(conversation.id, Message.ASSISTANT, now);
            Message.flush();
            UUID begun = completions.begin(conversation.id, user, assistant, Caller.SINGLE_USER,
                    new ModelRequest(List.of(), "hello", null, "chat"));
            // its row says running and this node owns it, yet the run is held: a resume follows it
            completions.resume(begun, 0, Caller.SINGLE_USER, () -> recorder);
            return begun;
        });

        CompletionEnd end = recorder.end.get(20, TimeUnit.SECONDS);
        assertEquals(CompletionStatus.COMPLETED, end.status());
        assertEquals("after the commit", recorder.text.toString());
        assertEquals(id, end.completionId());
    }

    @Test
    void aResumeServedFromTheStoreLeavesTheLiveRegistryAlone() {
        FakeModelResource.server().enqueue(Reply.stream("stored ", "answer"));
        String completionId;
        try (WsClient client = WsClient.connect(base.toString(), TOKEN)) {
            completionId = ask(client, "store me").path("completionId").asText();
            client.collect(completionId, 0);
        }
        UUID id = UUID.fromString(completionId);
        await().until(() -> live.find(id) == null);

        LinkedBlockingQueue<Object> told = new LinkedBlockingQueue<>();
        completions.resume(id, 1, Caller.SINGLE_USER, () -> new Subscriber() {
            @Override
            public void chunk(Chunk chunk) {
                told.add(chunk.delta());
            }

            @Override
            public void toolEvent(ToolEvent event) {
                told.add(event);
            }

            @Override
            public void end(CompletionEnd end) {
                told.add(end.status());
            }
        });

        assertEquals(List.of("answer", CompletionStatus.COMPLETED), List.copyOf(told));
        assertNull(live.find(id), "served from the store, nothing was put back in memory");
    }

    private static UUID message(UUID conversationId, String role, Instant now) {
        Message message = new Message();
        message.id = UUID.randomUUID();
        message.conversationId = conversationId;
        message.role = role;
        message.ownerUser = Caller.SINGLE_USER;
        message.createdAt = now;
        message.persist();
        return message.id;
    }
}

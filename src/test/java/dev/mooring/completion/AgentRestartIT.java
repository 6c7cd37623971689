package dev.mooring.completion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.testing.FakeOpenAiServer.Reply;
import dev.mooring.testing.ServiceProcess;
import dev.mooring.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.mooring.completion.AgentLoopTest.askAgent;
import static dev.mooring.completion.AgentLoopTest.next;
import static dev.mooring.completion.AgentLoopTest.sendResult;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An agent answer waiting for the notebook survives the packaged service's crash and its graceful restart: it is
 * still waiting afterwards (not interrupted), and goes on when its result arrives.
 */
class AgentRestartIT extends PackagedServiceIT {

    @Test
    void aCallWaitingThroughACrashAndARestartGoesOnWhenItsResultArrives() {
        model.enqueue(Reply.stream("Looking ", "first. ").toolCall("call_1", "read_notebook", "{}"));
        model.enqueue(Reply.stream("Seen ", "it."));
        String id;
        String callId;
        try (WsClient client = WsClient.connect(service.baseUrl(), ServiceProcess.TOKEN).answeringPings()) {
            id = askAgent(client, "look at my notebook");
            next(client, id);
            next(client, id);
            callId = next(client, id).path("callId").asText();
            service.kill();
            assertEquals(1006, client.awaitClose());
        }
        service.start();
        assertEquals("waiting", service.completion(id).path("status").asText(), "a crash does not interrupt a wait");
        service.stop();
        await().atMost(Duration.ofSeconds(30)).until(() -> !service.alive());
        service.start();
        JsonNode waiting = service.completion(id);
        assertEquals("waiting", waiting.path("status").asText(), "a graceful restart does not either");
        assertEquals("Looking first. ", waiting.path("text").asText());

        try (WsClient client = WsClient.connect(service.baseUrl(), ServiceProcess.TOKEN).answeringPings()) {
            client.resume(id, 0);
            WsClient.Answer replayed = new WsClient.Answer(java.util.List.of(next(client, id), next(client, id),
                    next(client, id)), null);
            assertEquals("Looking first. ", replayed.text());
            assertEquals(callId, replayed.chunks().get(2).path("callId").asText());
            sendResult(client, id, callId, "{\"cells\":[]}");
            WsClient.Answer rest = client.collect(id, 3);
            assertEquals("Seen it.", rest.text());
            assertEquals("completed", rest.done().path("status").asText());
            assertEquals(6, rest.done().path("lastSeq").asLong());
        }
        JsonNode stored = service.completion(id);
        assertEquals("completed", stored.path("status").asText());
        assertEquals("Looking first. Seen it.", stored.path("text").asText());
    }
}

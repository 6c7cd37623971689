package dev.mooring.cluster;

import dev.mooring.cluster.ConversationEvents.ConversationEvent;
import io.vertx.redis.client.Redis;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Conversation events on a real redis-server, through the same pooled client the service uses. */
class RedisConversationEventsIT extends OnRedisServer {

    /**
     * A burst of questions (a class of students pressing Enter together) is heard whole and in order on the other
     * node. Sent one pooled connection per event, everything past the pool's size and wait queue (6 + 24) was lost.
     */
    @Test
    void aBurstOfEventsReachesTheOtherNodeWholeAndInOrder() {
        Redis client = Redis.createClient(vertx, redisServer.url());
        RedisConversationEvents nodeA = new RedisConversationEvents(client, "node-a");
        RedisConversationEvents nodeB = new RedisConversationEvents(client, "node-b");
        try {
            List<String> heard = new CopyOnWriteArrayList<>();
            nodeB.onEvent(event -> heard.add(event.frame()));
            await().until(nodeA::connected);
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                String frame = "{\"type\":\"asked\",\"n\":" + i + "}";
                sent.add(frame);
                nodeA.publish(new ConversationEvent(UUID.randomUUID(), "asked", UUID.randomUUID(), frame));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> heard.size() >= sent.size());
            assertEquals(sent, heard);
        } finally {
            nodeA.stop();
            nodeB.stop();
            client.close();
        }
    }
}

package dev.mooring.cluster;

import dev.mooring.cluster.ConversationEvents.ConversationEvent;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

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

    /**
     * One node's events hold two connections, its reader's and its writer's, and no more. The reader asks the writer
     * to connect whenever it (re)connects; that used to open a second writer connection beside the live one, kept open
     * and out of the pool for good. Nothing signals a connection that should not appear, so this watches for one.
     */
    @Test
    void aNodesEventsHoldOneReaderAndOneWriterConnection() {
        Redis client = Redis.createClient(vertx, redisServer.url());
        Redis probe = Redis.createClient(vertx, redisServer.url());
        RedisConversationEvents node = new RedisConversationEvents(client, "node-a");
        try {
            await().until(() -> node.connected() && clientList(probe).contains("flags=b")); // the reader blocks
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                    .until(() -> clientList(probe).lines().count() == 3); // the reader, the writer, the probe
        } finally {
            node.stop();
            probe.close();
            client.close();
        }
    }

    private static String clientList(Redis probe) throws Exception {
        return probe.send(Request.cmd(Command.CLIENT).arg("LIST")).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS).toString();
    }
}

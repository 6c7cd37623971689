package dev.mooring.cluster;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The relay on a real redis-server: two nodes' relays, one appending, the other following and cancelling. */
class RedisAnswerRelayIT extends OnRedisServer {

    private Redis client;
    private RedisAnswerRelay nodeA;
    private RedisAnswerRelay nodeB;

    @BeforeEach
    void relays() {
        client = Redis.createClient(vertx, redisServer.url());
        nodeA = new RedisAnswerRelay(client, "node-a", Duration.ofSeconds(30));
        nodeB = new RedisAnswerRelay(client, "node-b", Duration.ofSeconds(30));
        await().until(nodeA::connected);
        await().until(nodeB::connected);
    }

    @AfterEach
    void stop() {
        nodeA.stop();
        nodeB.stop();
        client.close();
    }

    /** What a follower heard: "seq:delta", "end:N:status" and "broken", in order. */
    private static final class Heard implements AnswerRelay.RelayListener {
        final LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();

        @Override
        public void chunk(long seq, String delta) {
            events.add(seq + ":" + delta);
        }

        @Override
        public void ended(long lastSeq, String status) {
            events.add("end:" + lastSeq + ":" + status);
        }

        @Override
        public void broken() {
            events.add("broken");
        }

        List<String> take(int count) throws InterruptedException {
            List<String> taken = new ArrayList<>();
            while (taken.size() < count) {
                String e = events.poll(20, TimeUnit.SECONDS);
                if (e == null) {
                    throw new AssertionError("heard only " + taken);
                }
                taken.add(e);
            }
            return taken;
        }
    }

    private static List<String> chunks(int from, int to) {
        List<String> expected = new ArrayList<>();
        for (int seq = from; seq <= to; seq++) {
            expected.add(seq + ":c" + seq);
        }
        return expected;
    }

    @Test
    void aFollowerHearsTheBacklogAfterItsSeqThenTheLiveChunksInOrderThenTheEnd() throws Exception {
        UUID id = UUID.randomUUID();
        for (int seq = 1; seq <= 40; seq++) {
            nodeA.append(id, seq, "c" + seq);
        }
        Heard heard = new Heard();
        try (AutoCloseable following = nodeB.follow(id, 25, heard)) {
            assertEquals(chunks(26, 40), heard.take(15));
            for (int seq = 41; seq <= 60; seq++) {
                nodeA.append(id, seq, "c" + seq);
            }
            assertEquals(chunks(41, 60), heard.take(20));
            nodeA.ended(id, 60, "completed");
            assertEquals(List.of("end:60:completed"), heard.take(1), "the end with the status its owner stored");
        }
    }

    @Test
    void aRunningAnswersStreamExpiresOnItsOwnAndAnEndedOneSoon() {
        UUID id = UUID.randomUUID();
        nodeA.append(id, 1, "c1");
        await().until(() -> ttl(id) > 60);
        nodeA.ended(id, 1, "cancelled");
        await().until(() -> ttl(id) <= 60 && ttl(id) > 0);
    }

    @Test
    void aCancelReachesTheNodeThatRunsTheAnswer() throws Exception {
        LinkedBlockingQueue<UUID> cancelled = new LinkedBlockingQueue<>();
        nodeA.onCancel(cancelled::add);
        UUID id = UUID.randomUUID();
        nodeB.cancel("node-a", id);
        assertEquals(id, cancelled.poll(20, TimeUnit.SECONDS));
    }

    @Test
    void aFollowerHearsTheRelayBreakWhenRedisRestartsAndGoesOnAfter() throws Exception {
        UUID id = UUID.randomUUID();
        Heard heard = new Heard();
        try (AutoCloseable following = nodeB.follow(id, 0, heard)) {
            nodeA.append(id, 1, "c1");
            assertEquals(List.of("1:c1"), heard.take(1));
            redisServer.stop();
            assertEquals(List.of("broken"), heard.take(1));
            redisServer.launch();
            await().until(nodeA::connected);
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                nodeA.append(id, 2, "c2"); // the first appends after the restart may find the old connection
                return heard.events.contains("2:c2");
            });
            assertTrue(heard.events.stream().noneMatch(e -> e.startsWith("1:")), "nothing heard twice");
        }
    }

    private long ttl(UUID id) throws Exception {
        return client.send(Request.cmd(Command.TTL).arg(RedisAnswerRelay.ANSWER + id)).toCompletionStage()
                .toCompletableFuture().get(10, TimeUnit.SECONDS).toLong();
    }
}

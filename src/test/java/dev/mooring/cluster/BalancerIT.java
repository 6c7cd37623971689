package dev.mooring.cluster;

import dev.mooring.testing.WsClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** HAProxy with deploy/haproxy.cfg in front of two nodes: no sticky sessions, readiness decides who gets sockets. */
class BalancerIT extends OnCluster {

    @BeforeAll
    static void start() {
        startCluster(2, Map.of());
    }

    @Test
    void socketsThroughTheBalancerLandOnEveryNodeAndTheWelcomeSaysWhich() {
        List<WsClient> clients = new ArrayList<>();
        try {
            Set<String> nodes = new TreeSet<>();
            for (int i = 0; i < 4; i++) {
                WsClient client = cluster.connect();
                clients.add(client);
                nodes.add(client.await("welcome").path("node").asText());
            }
            assertEquals(Set.of("node-1", "node-2"), nodes);
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    @Test
    void aStoppedNodeLeavesTheBalancerAndComesBackOnceReady() {
        cluster.node("node-2").stop();
        await().atMost(Duration.ofSeconds(30)).until(() -> nodesOfNewSockets(4).equals(Set.of("node-1")));
        cluster.node("node-2").start();
        await().atMost(Duration.ofSeconds(30)).until(() -> nodesOfNewSockets(4).contains("node-2"));
    }

    /** Where {@code count} sockets opened at once through the balancer landed. */
    private static Set<String> nodesOfNewSockets(int count) {
        List<WsClient> clients = new ArrayList<>();
        try {
            Set<String> nodes = new TreeSet<>();
            for (int i = 0; i < count; i++) {
                WsClient client = cluster.connect();
                clients.add(client);
                nodes.add(client.await("welcome").path("node").asText());
            }
            return nodes;
        } finally {
            clients.forEach(WsClient::close);
        }
    }
}

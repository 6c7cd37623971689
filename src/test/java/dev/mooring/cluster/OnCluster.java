package dev.mooring.cluster;

import dev.mooring.testing.Cluster;
import dev.mooring.testing.FakeOpenAiServer;
import org.junit.jupiter.api.AfterAll;

import java.util.Map;

/**
 * Tests on a cluster of their own, started once per class: the fake model server, Redis, packaged nodes of the
 * PostgreSQL build and HAProxy ({@link Cluster}); stopped after the class's last test.
 */
abstract class OnCluster {

    static FakeOpenAiServer model;
    static Cluster cluster;

    /** Starts the model server and {@code nodes} nodes with {@code env}; called by each class's own set-up. */
    static void startCluster(int nodes, Map<String, String> env) {
        model = FakeOpenAiServer.start();
        cluster = Cluster.start(nodes, model.baseUrl(), env);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
        if (model != null) {
            model.close();
            model = null;
        }
    }
}

package dev.mooring.cluster;

import dev.mooring.testing.RedisProcess;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Tests of one Redis engine class on a real redis-server of their own, with the Vert.x its clients run on. */
abstract class OnRedisServer {

    static RedisProcess redisServer;
    static Vertx vertx;

    @BeforeAll
    static void startRedis() {
        redisServer = RedisProcess.start();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopRedis() {
        vertx.close();
        redisServer.close();
    }
}

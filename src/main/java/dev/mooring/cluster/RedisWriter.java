package dev.mooring.cluster;

import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import org.jboss.logging.Logger;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One Redis connection of its own that sends commands in call order and never makes its caller wait: past
 * {@value #MAX_IN_FLIGHT} unanswered commands, or while disconnected, a command is dropped, said once in the log, and
 * a new connection is made. A pooled {@code Redis.send} takes a connection per command and fails once the pool's
 * wait queue (24) is full, so a burst of a few dozen commands lost most of them and starved every other user of
 * the pool.
 */
final class RedisWriter {

    private static final Logger LOG = Logger.getLogger(RedisWriter.class);
    /** Below the client's own bound on waiting replies (quarkus.redis.max-waiting-handlers, 2048). */
    static final int MAX_IN_FLIGHT = 1500;

    private final Redis redis;
    private final String dropping;
    private final String reaching;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final AtomicBoolean connecting = new AtomicBoolean();
    private volatile RedisConnection connection;
    private volatile boolean dropped;
    private volatile boolean closed;

    /** A writer on {@code redis}; {@code dropping} and {@code reaching} are logged when it starts and stops dropping. */
    RedisWriter(Redis redis, String dropping, String reaching) {
        this.redis = redis;
        this.dropping = dropping;
        this.reaching = reaching;
    }

    /** Whether commands go out now (not dropped for want of a connection). */
    boolean connected() {
        return connection != null;
    }

    /** Sends {@code request} now, after every command sent before it; drops it when it cannot go now. */
    void send(Request request) {
        RedisConnection conn = connection;
        if (conn == null || !inFlight.tryAcquire()) {
            drop();
            if (conn == null) {
                connect();
            }
            return;
        }
        try {
            conn.send(request).onComplete(reply -> {
                inFlight.release();
                if (reply.failed()) {
                    drop();
                }
            });
        } catch (RuntimeException e) {
            inFlight.release();
            drop();
        }
    }

    /**
     * Makes the connection if there is none and none is being made. One that Redis closed is forgotten by its end
     * handler, so a reader that reconnects calls this without opening a second connection beside a live one.
     */
    void connect() {
        if (closed || connection != null || !connecting.compareAndSet(false, true)) {
            return;
        }
        redis.connect().onComplete(result -> {
            connecting.set(false);
            if (result.succeeded()) {
                RedisConnection conn = result.result();
                conn.exceptionHandler(e -> connection = null).endHandler(v -> connection = null);
                connection = conn;
                if (closed) {
                    conn.close();
                } else if (dropped) {
                    dropped = false;
                    LOG.info(reaching);
                }
            }
        });
    }

    private void drop() {
        if (!dropped) {
            dropped = true;
            LOG.warn(dropping);
        }
    }

    void close() {
        closed = true;
        RedisConnection conn = connection;
        if (conn != null) {
            conn.close();
        }
    }
}

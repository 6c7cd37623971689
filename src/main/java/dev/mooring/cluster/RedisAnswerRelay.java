package dev.mooring.cluster;

import dev.mooring.config.ChatConfig;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The relay on Redis Streams (see docs/scaling.md for why). Each running answer is a stream
 * {@code mooring:answer:<id>} whose entries are its chunks ({@code d}) and tool events ({@code e}, read from the database), with ids
 * {@code 0-<seq>}, and at last an end marker with
 * an automatic id; each node reads its own stream {@code mooring:node:<name>} for cancels. One connection appends, in
 * order, never waiting ({@link RedisWriter}: what cannot go now is dropped, and followers fill it from the database);
 * one reader thread blocks on a single {@code XREAD} for every followed answer and the node's own stream.
 */
@ApplicationScoped
@Typed(RedisAnswerRelay.class) // the relay in use is the one Relays produces
class RedisAnswerRelay implements AnswerRelay {

    private static final Logger LOG = Logger.getLogger(RedisAnswerRelay.class);
    static final String ANSWER = "mooring:answer:";
    static final String NODE = "mooring:node:";
    private static final long ENDED_TTL_SECONDS = 60;

    private final Redis redis;
    private final String node;
    private final long runningTtlSeconds;
    private final RedisWriter writer;
    private final Map<String, Follower> followers = new ConcurrentHashMap<>();
    private volatile Consumer<UUID> cancels = id -> { };
    private volatile boolean stopped;
    private final Thread reader;

    /**
     * Made only when {@code quarkus.redis.hosts} is set ({@link Relays}); the client is looked up here, so that without
     * it no Redis client is ever asked for (it is inactive then, and an injected one fails the start).
     */
    @Inject
    RedisAnswerRelay(Instance<Redis> redis, ChatConfig config) {
        this(redis.get(), config.nodeName(), config.completions().lease());
    }

    /** The relay of node {@code node}; a running answer's stream outlives three leases without renewal. */
    RedisAnswerRelay(Redis redis, String node, Duration lease) {
        this.redis = redis;
        this.node = node;
        this.runningTtlSeconds = Math.max(60, lease.toSeconds() * 3);
        this.writer = new RedisWriter(redis,
                "the relay is dropping chunks (Redis unreachable or behind); other nodes fill from the database",
                "the relay reaches Redis again");
        this.reader = new Thread(this::readLoop, "mooring-relay-reader");
        reader.setDaemon(true);
        reader.start();
    }

    @Override
    public boolean live() {
        return true;
    }

    /** Whether appends go out now (not dropped for want of a connection). */
    boolean connected() {
        return writer.connected();
    }

    @Override
    public void append(UUID id, long seq, String delta) {
        String key = ANSWER + id;
        send(Request.cmd(Command.XADD).arg(key).arg("0-" + seq).arg("d").arg(delta));
        if (seq == 1) {
            send(Request.cmd(Command.EXPIRE).arg(key).arg(runningTtlSeconds));
        }
    }

    @Override
    public void appendEvent(UUID id, long seq) {
        send(Request.cmd(Command.XADD).arg(ANSWER + id).arg("0-" + seq).arg("e").arg(""));
    }

    @Override
    public void ended(UUID id, long lastSeq, String status) {
        String key = ANSWER + id;
        send(Request.cmd(Command.XADD).arg(key).arg("*").arg("end").arg(lastSeq).arg("status").arg(status));
        send(Request.cmd(Command.EXPIRE).arg(key).arg(ENDED_TTL_SECONDS));
    }

    @Override
    public AutoCloseable follow(UUID id, long afterSeq, RelayListener listener) {
        String key = ANSWER + id;
        Follower follower = new Follower(listener, "0-" + afterSeq);
        followers.put(key, follower);
        wakeReader();
        return () -> followers.remove(key, follower);
    }

    @Override
    public void cancel(String owner, UUID id) {
        send(Request.cmd(Command.XADD).arg(NODE + owner).arg("MAXLEN").arg("~").arg(1000).arg("*")
                .arg("cancel").arg(id.toString()));
    }

    @Override
    public void onCancel(Consumer<UUID> handler) {
        this.cancels = handler;
    }

    @Override
    public void keepAlive(Collection<UUID> running) {
        for (UUID id : running) {
            send(Request.cmd(Command.EXPIRE).arg(ANSWER + id).arg(runningTtlSeconds));
        }
    }

    /** Lets the reader's blocked XREAD return, so that it reads a newly followed answer at once. */
    private void wakeReader() {
        send(Request.cmd(Command.XADD).arg(NODE + node).arg("MAXLEN").arg("~").arg(1000).arg("*").arg("wake")
                .arg("1"));
    }

    private void send(Request request) {
        writer.send(request);
    }

    /** Reads every followed answer and this node's own stream, for as long as the service runs. */
    private void readLoop() {
        String controlKey = NODE + node;
        String controlId = "0-0";
        RedisConnection conn = null;
        long backoff = 100;
        while (!stopped) {
            try {
                if (conn == null) {
                    conn = Blocking.await(redis.connect());
                    if (controlId.equals("0-0")) {
                        Blocking.await(conn.send(Request.cmd(Command.DEL).arg(controlKey))); // a previous process's
                    }
                    writer.connect();
                    backoff = 100;
                }
                List<Map.Entry<String, Follower>> followed = new ArrayList<>(followers.entrySet());
                Request xread = Request.cmd(Command.XREAD).arg("COUNT").arg(500).arg("BLOCK").arg(Blocking.BLOCK_MS)
                        .arg("STREAMS").arg(controlKey);
                followed.forEach(f -> xread.arg(f.getKey()));
                xread.arg(controlId);
                followed.forEach(f -> xread.arg(f.getValue().lastId));
                Response streams = Blocking.await(conn.send(xread));
                if (streams == null) {
                    continue;
                }
                for (String key : streams.getKeys()) {
                    if (key.equals(controlKey)) {
                        controlId = control(streams.get(key), controlId);
                    } else {
                        Follower follower = followers.get(key);
                        if (follower != null) {
                            follower.deliver(streams.get(key));
                        }
                    }
                }
            } catch (Exception e) {
                if (stopped) {
                    break;
                }
                if (conn != null) {
                    conn.close();
                    conn = null;
                    LOG.warnf("the relay lost Redis (%s); reconnecting, and followers read the database meanwhile",
                            e.toString());
                    followers.values().forEach(f -> f.listener.broken());
                }
                Blocking.pause(backoff);
                backoff = Math.min(2000, backoff * 2);
            }
        }
        if (conn != null) {
            conn.close();
        }
    }

    private String control(Response entries, String lastId) {
        String id = lastId;
        for (Response entry : entries) {
            id = entry.get(0).toString();
            Response fields = entry.get(1);
            if (fields.size() >= 2 && "cancel".equals(fields.get(0).toString())) {
                try {
                    cancels.accept(UUID.fromString(fields.get(1).toString()));
                } catch (RuntimeException e) {
                    LOG.warnf("a cancel from another node failed: %s", e.toString());
                }
            }
        }
        return id;
    }

    /** One followed answer: where its reading stands, and who hears it. */
    private static final class Follower {
        final AnswerRelay.RelayListener listener;
        volatile String lastId;

        Follower(AnswerRelay.RelayListener listener, String lastId) {
            this.listener = listener;
            this.lastId = lastId;
        }

        void deliver(Response entries) {
            for (Response entry : entries) {
                String id = entry.get(0).toString();
                lastId = id;
                Response fields = entry.get(1);
                String field = fields.get(0).toString();
                if (id.startsWith("0-") && field.equals("d")) {
                    listener.chunk(Long.parseLong(id.substring(2)), fields.get(1).toString());
                } else if (id.startsWith("0-") && field.equals("e")) {
                    listener.event(Long.parseLong(id.substring(2)));
                } else if (field.equals("end")) {
                    listener.ended(Long.parseLong(fields.get(1).toString()),
                            fields.size() >= 4 ? fields.get(3).toString() : null);
                }
            }
        }
    }

    @PreDestroy
    void stop() {
        stopped = true;
        reader.interrupt();
        writer.close();
    }
}

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

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * {@link ConversationEvents} on one Redis stream, {@code mooring:conversations}, capped at about
 * {@value #MAX_ENTRIES} entries: every node appends to it and one reader thread per node follows it from where it
 * stood, so a short loss of Redis costs only the events appended while it was down.
 */
@ApplicationScoped
@Typed(RedisConversationEvents.class) // a candidate of Relays' producer, not itself the ConversationEvents to inject
class RedisConversationEvents implements ConversationEvents {

    private static final Logger LOG = Logger.getLogger(RedisConversationEvents.class);
    static final String STREAM = "mooring:conversations";
    private static final int MAX_ENTRIES = 10_000;

    private final Redis redis;
    private final RedisWriter writer;
    private final String node;
    private final String startId;
    private final Thread reader;
    private volatile Consumer<ConversationEvent> listener = event -> { };
    private volatile boolean stopped;

    /** Made only when {@code quarkus.redis.hosts} is set ({@link Relays}): the client is looked up, never injected. */
    @Inject
    RedisConversationEvents(Instance<Redis> redis, ChatConfig config) {
        this(redis.get(), config.nodeName());
    }

    /** Starts hearing the other nodes' events from the stream's newest entry as of now (or as soon as Redis answers). */
    RedisConversationEvents(Redis redis, String node) {
        this.redis = redis;
        this.writer = new RedisWriter(redis, "conversation events are not reaching the other nodes (Redis unreachable"
                + " or behind); their followers read the conversation when they reconnect",
                "conversation events reach the other nodes again");
        this.node = node;
        this.startId = newestNow();
        writer.connect();
        this.reader = new Thread(this::readLoop, "mooring-conversation-events");
        reader.setDaemon(true);
        reader.start();
    }

    @Override
    public void publish(ConversationEvent event) {
        Request xadd = Request.cmd(Command.XADD).arg(STREAM).arg("MAXLEN").arg("~").arg(MAX_ENTRIES).arg("*")
                .arg("node").arg(node).arg("conversation").arg(event.conversationId().toString())
                .arg("kind").arg(event.kind())
                .arg("completion").arg(event.completionId() == null ? "" : event.completionId().toString())
                .arg("frame").arg(event.frame());
        writer.send(xadd);
    }

    /** Whether events go out now (not dropped for want of a connection). */
    boolean connected() {
        return writer.connected();
    }

    @Override
    public void onEvent(Consumer<ConversationEvent> listener) {
        this.listener = listener;
    }

    private String newestNow() {
        try {
            return newest(Blocking.await(redis.connect()));
        } catch (Exception e) {
            LOG.warnf("conversation events: Redis unreachable at start (%s); hearing events once it answers",
                    e.toString());
            return null;
        }
    }

    private void readLoop() {
        String lastId = startId;
        RedisConnection conn = null;
        long backoff = 100;
        while (!stopped) {
            try {
                if (conn == null) {
                    conn = Blocking.await(redis.connect());
                    writer.connect();
                    backoff = 100;
                }
                if (lastId == null) {
                    lastId = newest(Blocking.await(redis.connect()));
                }
                Response streams = Blocking.await(conn.send(Request.cmd(Command.XREAD).arg("COUNT").arg(500)
                        .arg("BLOCK").arg(Blocking.BLOCK_MS).arg("STREAMS").arg(STREAM).arg(lastId)));
                if (streams == null) {
                    continue;
                }
                for (Response entry : streams.get(STREAM)) {
                    lastId = entry.get(0).toString();
                    deliver(entry.get(1));
                }
            } catch (Exception e) {
                if (stopped) {
                    break;
                }
                if (conn != null) {
                    conn.close();
                    conn = null;
                    LOG.warnf("conversation events: lost Redis (%s); reconnecting", e.toString());
                }
                Blocking.pause(backoff);
                backoff = Math.min(2000, backoff * 2);
            }
        }
        if (conn != null) {
            conn.close();
        }
    }

    /** The id of the stream's newest entry (events from then on are this node's to hear), or 0-0 when it is empty. */
    private static String newest(RedisConnection conn) throws Exception {
        try {
            Response newest = Blocking.await(conn.send(Request.cmd(Command.XREVRANGE).arg(STREAM).arg("+").arg("-")
                    .arg("COUNT").arg(1)));
            return newest == null || newest.size() == 0 ? "0-0" : newest.get(0).get(0).toString();
        } finally {
            conn.close();
        }
    }

    private void deliver(Response entryFields) {
        Map<String, String> fields = new HashMap<>();
        for (int i = 0; i + 1 < entryFields.size(); i += 2) {
            fields.put(entryFields.get(i).toString(), entryFields.get(i + 1).toString());
        }
        if (node.equals(fields.get("node"))) {
            return;
        }
        try {
            String completion = fields.get("completion");
            listener.accept(new ConversationEvent(UUID.fromString(fields.get("conversation")),
                    fields.get("kind"), completion == null || completion.isEmpty() ? null : UUID.fromString(completion),
                    fields.get("frame")));
        } catch (RuntimeException e) {
            LOG.warnf("a conversation event from another node was not delivered: %s", e.toString());
        }
    }

    @PreDestroy
    void stop() {
        stopped = true;
        reader.interrupt();
        writer.close();
    }
}

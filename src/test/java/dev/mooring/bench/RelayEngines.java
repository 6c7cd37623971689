package dev.mooring.bench;

import dev.mooring.testing.RedisProcess;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Compares three live paths for a running answer's chunks from the node that runs it to a node that follows it:
 * Redis Streams (a stream per answer, the seq as the entry id, one blocking XREAD for all followed answers), Redis
 * pub/sub (a channel per answer, one pattern subscription) and PostgreSQL LISTEN/NOTIFY (one channel, a NOTIFY per
 * chunk in its own transaction). For each: chunks per second flat out, added latency at a paced load, the time to
 * replay a 1,000-chunk backlog, and what a restart of the engine loses. Publisher and follower are separate
 * connections in this JVM, so both moments come from one clock. Starts its own redis-server ({@link RedisProcess}); PostgreSQL is the JDBC
 * URL given. Run by {@code scripts/bench-relay.sh}; writes Markdown to the file named by the first argument.
 */
public final class RelayEngines {

    /** One received chunk: which answer, which seq, its latency in ms. */
    private record Received(int answer, long seq, double latencyMs) {
    }

    /** A live path: publishes chunks, and follows every answer from a second connection. */
    private interface Engine extends AutoCloseable {
        String name();

        /** Starts following answers {@code 0 .. answers-1} of run {@code run}; received chunks go to {@code sink}. */
        void follow(String run, int answers, ConcurrentLinkedQueue<Received> sink) throws Exception;

        /** Sends one chunk; may wait while too many are unacknowledged. */
        void publish(String run, int answer, long seq, String payload);

        /** How many sends failed so far (refused, or lost with their connection). */
        long failedSends();

        /** Waits until every chunk published so far is acknowledged. */
        void drain() throws Exception;

        /** Reads the chunks of one answer after {@code afterSeq} from the engine itself; -1 if it keeps none. */
        int replay(String run, int answer, long afterSeq) throws Exception;

        void stopFollowing() throws Exception;

        @Override
        void close() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        String pgUrl = args[1];
        StringBuilder report = new StringBuilder();
        report.append("| engine | chunks/s flat out (50 answers) | added latency at 5,000 chunks/s, p50 / p99 / max (ms) "
                + "| replay of 1,000 chunks from the engine (ms) | restart of the engine mid-answer |\n")
                .append("| --- | --- | --- | --- | --- |\n");
        try (RedisProcess redis = RedisProcess.start()) {
            Vertx vertx = Vertx.vertx();
            try {
                List<Engine> engines = List.of(new Streams(vertx, redis.url()), new PubSub(vertx, redis.url()),
                        new Notify(pgUrl));
                for (Engine engine : engines) {
                    try (engine) {
                        flatOut(engine, 5, 200); // warm-up
                        double rate = flatOut(engine, 50, 2000);
                        double[] latencies = paced(engine, 100, 50, 10);
                        String replay = replayTime(engine);
                        String restart = engine instanceof Notify ? "not run here (the shared cluster)"
                                : restart(engine, redis);
                        report.append(String.format(Locale.ROOT, "| %s | %.0f | %s | %s | %s |%n", engine.name(), rate,
                                Percentiles.of(latencies, true), replay, restart));
                        System.out.print(report);
                    }
                }
            } finally {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
        Files.writeString(out, report);
    }

    /** {@code answers} answers of {@code chunks} chunks each, sent as fast as the engine takes them; chunks/s received. */
    private static double flatOut(Engine engine, int answers, int chunks) throws Exception {
        String run = "flat" + System.nanoTime();
        ConcurrentLinkedQueue<Received> sink = new ConcurrentLinkedQueue<>();
        engine.follow(run, answers, sink);
        long total = (long) answers * chunks;
        long start = System.nanoTime();
        for (int seq = 1; seq <= chunks; seq++) {
            for (int a = 0; a < answers; a++) {
                engine.publish(run, a, seq, payload());
            }
        }
        engine.drain();
        awaitCount(sink, total, 120);
        double seconds = (System.nanoTime() - start) / 1e9;
        engine.stopFollowing();
        checkOrder(sink, answers);
        return total / seconds;
    }

    /** {@code answers} answers at {@code perSecond} chunks/s each for {@code seconds}: latency of each chunk. */
    private static double[] paced(Engine engine, int answers, int perSecond, int seconds) throws Exception {
        String run = "paced" + System.nanoTime();
        ConcurrentLinkedQueue<Received> sink = new ConcurrentLinkedQueue<>();
        engine.follow(run, answers, sink);
        long periodNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
        long start = System.nanoTime();
        int rounds = perSecond * seconds;
        for (int seq = 1; seq <= rounds; seq++) {
            LockSupport.parkNanos(start + seq * periodNanos - System.nanoTime());
            for (int a = 0; a < answers; a++) {
                engine.publish(run, a, seq, payload());
            }
        }
        engine.drain();
        awaitCount(sink, (long) answers * rounds, 60);
        engine.stopFollowing();
        return sink.stream().mapToDouble(Received::latencyMs).toArray();
    }

    private static String replayTime(Engine engine) throws Exception {
        String run = "replay" + System.nanoTime();
        for (int seq = 1; seq <= 1000; seq++) {
            engine.publish(run, 0, seq, payload());
        }
        engine.drain();
        long start = System.nanoTime();
        int got = engine.replay(run, 0, 0);
        double ms = (System.nanoTime() - start) / 1e6;
        return got < 0 ? "keeps nothing: from the database" : String.format(Locale.ROOT, "%.1f (%d chunks)", ms, got);
    }

    /**
     * 200 chunks, then 200 more at 200 chunks/s during which redis-server (no persistence, as deployed) is stopped
     * for 0.3 s and started again: what the follower got of those, and what the engine still holds.
     */
    private static String restart(Engine engine, RedisProcess redis) throws Exception {
        String run = "restart" + System.nanoTime();
        ConcurrentLinkedQueue<Received> sink = new ConcurrentLinkedQueue<>();
        engine.follow(run, 1, sink);
        for (int seq = 1; seq <= 200; seq++) {
            engine.publish(run, 0, seq, payload());
        }
        engine.drain();
        awaitCount(sink, 200, 30);
        long failedBefore = engine.failedSends();
        for (int seq = 201; seq <= 400; seq++) {
            if (seq == 250) {
                redis.stop();
            } else if (seq == 310) {
                redis.launch();
            }
            engine.publish(run, 0, seq, payload());
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        engine.drain();
        Thread.sleep(1000); // lets the follower take whatever it will still get: a measurement, not a test
        long after = sink.stream().filter(r -> r.seq() > 200).count();
        int kept = engine.replay(run, 0, 0);
        engine.stopFollowing();
        return String.format(Locale.ROOT, "follower got %d of the 200 sent from then on, %d sends failed; "
                + "the engine holds %s of 400 afterwards", after, engine.failedSends() - failedBefore, kept < 0 ? "none" : String.valueOf(kept));
    }

    private static String payload() {
        return System.nanoTime() + "|tok ";
    }

    private static double latencyMs(String payload) {
        long sent = Long.parseLong(payload.substring(0, payload.indexOf('|')));
        return (System.nanoTime() - sent) / 1e6;
    }

    private static void awaitCount(ConcurrentLinkedQueue<Received> sink, long count, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (sink.size() < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("received " + sink.size() + " of " + count);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    /** Every answer's chunks arrived once each and in seq order. */
    private static void checkOrder(ConcurrentLinkedQueue<Received> sink, int answers) {
        long[] last = new long[answers];
        for (Received r : sink) {
            if (r.seq() != last[r.answer()] + 1) {
                throw new IllegalStateException("answer " + r.answer() + ": seq " + r.seq() + " after " + last[r.answer()]);
            }
            last[r.answer()] = r.seq();
        }
    }

    /** Redis Streams: XADD with id 0-seq; one XREAD BLOCK over every followed stream; XRANGE replays. */
    private static final class Streams extends RedisEngine {
        private volatile Thread reader;
        private volatile boolean following;

        Streams(Vertx vertx, String url) {
            super(vertx, url);
        }

        @Override
        public String name() {
            return "Redis Streams";
        }

        @Override
        Request publishRequest(String run, int answer, long seq, String payload) {
            return Request.cmd(Command.XADD).arg(key(run, answer)).arg("0-" + seq).arg("d").arg(payload);
        }

        @Override
        public void follow(String run, int answers, ConcurrentLinkedQueue<Received> sink) throws Exception {
            String[] ids = new String[answers];
            java.util.Arrays.fill(ids, "0-0");
            following = true;
            reader = new Thread(() -> {
                RedisConnection conn = null;
                while (following) {
                    Request xread = Request.cmd(Command.XREAD).arg("COUNT").arg(1000).arg("BLOCK").arg(200).arg("STREAMS");
                    for (int a = 0; a < answers; a++) {
                        xread.arg(key(run, a));
                    }
                    for (String id : ids) {
                        xread.arg(id);
                    }
                    Response streams;
                    try {
                        conn = conn == null ? connect() : conn;
                        streams = await(conn.send(xread));
                    } catch (Exception e) {
                        if (conn != null) {
                            conn.close();
                        }
                        conn = null; // reconnect, as the service's relay does
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                        continue;
                    }
                    if (streams == null) {
                        continue;
                    }
                    for (String key : streams.getKeys()) {
                        int answer = Integer.parseInt(key.substring(key.lastIndexOf(':') + 1));
                        for (Response entry : streams.get(key)) {
                            String id = entry.get(0).toString();
                            ids[answer] = id;
                            sink.add(new Received(answer, Long.parseLong(id.substring(2)),
                                    latencyMs(entry.get(1).get(1).toString())));
                        }
                    }
                }
                if (conn != null) {
                    conn.close();
                }
            }, "streams-reader");
            reader.start();
        }

        @Override
        public int replay(String run, int answer, long afterSeq) throws Exception {
            Response entries = await(publisher().send(Request.cmd(Command.XRANGE).arg(key(run, answer))
                    .arg("(0-" + afterSeq).arg("+")));
            return entries.size();
        }

        @Override
        public void stopFollowing() throws Exception {
            following = false;
            reader.join(5000);
        }
    }

    /** Redis pub/sub: PUBLISH per chunk on a channel per answer; one PSUBSCRIBE; nothing kept for replay. */
    private static final class PubSub extends RedisEngine {
        private volatile RedisConnection subscriber;
        private volatile boolean following;

        PubSub(Vertx vertx, String url) {
            super(vertx, url);
        }

        @Override
        public String name() {
            return "Redis pub/sub";
        }

        @Override
        Request publishRequest(String run, int answer, long seq, String payload) {
            return Request.cmd(Command.PUBLISH).arg(key(run, answer)).arg(seq + "|" + payload);
        }

        @Override
        public void follow(String run, int answers, ConcurrentLinkedQueue<Received> sink) throws Exception {
            following = true;
            subscribe(run, sink);
        }

        /** Subscribes, and subscribes again when the connection ends (as the service's relay would). */
        private void subscribe(String run, ConcurrentLinkedQueue<Received> sink) throws Exception {
            subscriber = connect();
            subscriber.endHandler(v -> new Thread(() -> {
                while (following) {
                    try {
                        subscribe(run, sink);
                        return;
                    } catch (Exception e) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                    }
                }
            }, "pubsub-resubscribe").start());
            subscriber.handler(message -> {
                if (message.size() == 4 && "pmessage".equals(message.get(0).toString())) {
                    String channel = message.get(2).toString();
                    String body = message.get(3).toString();
                    int bar = body.indexOf('|');
                    sink.add(new Received(Integer.parseInt(channel.substring(channel.lastIndexOf(':') + 1)),
                            Long.parseLong(body.substring(0, bar)), latencyMs(body.substring(bar + 1))));
                }
            });
            await(subscriber.send(Request.cmd(Command.PSUBSCRIBE).arg("bench:" + run + ":*")));
        }

        @Override
        public int replay(String run, int answer, long afterSeq) {
            return -1;
        }

        @Override
        public void stopFollowing() {
            following = false;
            subscriber.close();
        }
    }

    /** What both Redis engines share: a redis-server, one pipelined publisher connection with a bound in flight. */
    private abstract static class RedisEngine implements Engine {
        private final Redis client;
        private final Semaphore inFlight = new Semaphore(1000);
        private final AtomicLong failed = new AtomicLong();
        /** One connection, so that a stream's entries arrive in order; null after it failed (reconnect). */
        private volatile RedisConnection publisher;

        RedisEngine(Vertx vertx, String url) {
            client = Redis.createClient(vertx, new RedisOptions().setConnectionString(url).setMaxWaitingHandlers(4096)
                    .setMaxPoolSize(8).setMaxPoolWaiting(64));
        }

        RedisConnection publisher() throws Exception {
            RedisConnection conn = publisher;
            if (conn == null) {
                RedisConnection fresh = connect();
                fresh.exceptionHandler(e -> publisher = null).endHandler(v -> publisher = null);
                publisher = fresh;
                conn = fresh;
            }
            return conn;
        }

        abstract Request publishRequest(String run, int answer, long seq, String payload);

        RedisConnection connect() throws Exception {
            return await(client.connect());
        }

        static String key(String run, int answer) {
            return "bench:" + run + ":" + answer;
        }

        @Override
        public void publish(String run, int answer, long seq, String payload) {
            inFlight.acquireUninterruptibly();
            try {
                publisher().send(publishRequest(run, answer, seq, payload)).onComplete(r -> {
                    if (r.failed()) {
                        failed.incrementAndGet();
                    }
                    inFlight.release();
                });
            } catch (Exception e) {
                failed.incrementAndGet();
                inFlight.release();
            }
        }

        @Override
        public long failedSends() {
            return failed.get();
        }

        @Override
        public void drain() throws Exception {
            if (!inFlight.tryAcquire(1000, 60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("publishes still unacknowledged after 60 s");
            }
            inFlight.release(1000);
        }

        @Override
        public void close() {
            client.close();
        }
    }

    /** PostgreSQL LISTEN/NOTIFY: one NOTIFY per chunk in its own transaction; nothing kept for replay. */
    private static final class Notify implements Engine {
        private final String url;
        private final Connection publisher;
        private final PreparedStatement notify;
        private volatile boolean following;
        private volatile Thread listener;
        private long failed;

        Notify(String url) throws Exception {
            this.url = url;
            publisher = DriverManager.getConnection(url);
            publisher.setAutoCommit(true);
            notify = publisher.prepareStatement("SELECT pg_notify(?, ?)");
        }

        @Override
        public String name() {
            return "PostgreSQL LISTEN/NOTIFY";
        }

        @Override
        public void follow(String run, int answers, ConcurrentLinkedQueue<Received> sink) throws Exception {
            Connection conn = DriverManager.getConnection(url);
            try (Statement s = conn.createStatement()) {
                s.execute("LISTEN " + run);
            }
            PGConnection pg = conn.unwrap(PGConnection.class);
            following = true;
            listener = new Thread(() -> {
                try (conn) {
                    while (following) {
                        PGNotification[] batch = pg.getNotifications(200);
                        if (batch == null) {
                            continue;
                        }
                        for (PGNotification n : batch) {
                            String[] parts = n.getParameter().split("\\|", 3);
                            sink.add(new Received(Integer.parseInt(parts[0]), Long.parseLong(parts[1]),
                                    latencyMs(parts[2])));
                        }
                    }
                } catch (Exception e) {
                    System.err.println("listener ended: " + e);
                }
            }, "notify-listener");
            listener.start();
        }

        @Override
        public void publish(String run, int answer, long seq, String payload) {
            try {
                notify.setString(1, run);
                notify.setString(2, answer + "|" + seq + "|" + payload);
                notify.execute();
            } catch (Exception e) {
                failed++;
            }
        }

        @Override
        public long failedSends() {
            return failed;
        }

        @Override
        public void drain() {
            // every NOTIFY above committed before it returned
        }

        @Override
        public int replay(String run, int answer, long afterSeq) {
            return -1;
        }

        @Override
        public void stopFollowing() throws Exception {
            following = false;
            listener.join(5000);
        }

        @Override
        public void close() throws Exception {
            publisher.close();
        }
    }

    private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private RelayEngines() {
    }
}

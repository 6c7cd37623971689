package dev.mooring.bench;

import dev.mooring.testing.Balancer;
import dev.mooring.testing.RedisProcess;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Several nodes of the PostgreSQL build on one database and one Redis, behind HAProxy with deploy/haproxy.cfg:
 * chunks per second and per-chunk latency through the balancer with 1, 2 and 3 nodes; then, with two nodes, how long
 * a resume of a running answer takes on the node that runs it and on the other one, which replays the stored
 * progress and then follows the relay (to the first chunk, and until it has caught up with the chunk that was live
 * when it asked).
 */
final class Scale {

    private Scale() {
    }

    static String table(BenchModelServer model, Path work) throws Exception {
        List<ChatLoad.Load> loads = Bench.loads("bench.loads", "100x200x20,400x200x20,40x1000x0");
        int[] nodeCounts = Bench.sizes("bench.nodes", "1,2,3");
        int resumes = Integer.getInteger("bench.resumes", 20);
        Table throughput = new Table("nodes", "answers at once", "chunks/s offered", "chunks/s delivered",
                "answers failed", "model server to client through HAProxy, p50 / p99 / max (ms)");
        Table resume = new Table("resume of a running answer", "first chunk, p50 / p99 (ms)",
                "caught up with the live chunk, p50 / p99 (ms)");
        HttpClient http = HttpClient.newHttpClient();
        try (RedisProcess redis = RedisProcess.start()) {
            for (int count : nodeCounts) {
                List<Services.Running> nodes = new ArrayList<>();
                Path dir = Files.createDirectories(work.resolve(count + "-nodes"));
                try {
                    for (int i = 1; i <= count; i++) {
                        nodes.add(Services.mooring(dir.resolve("node-" + i), model.baseUrl(), Map.of(
                                "CHAT_NODE_NAME", "node-" + i, "QUARKUS_REDIS_HOSTS", redis.url(),
                                "QUARKUS_DATASOURCE_JDBC_ACQUISITION_TIMEOUT", "30s")));
                    }
                    List<Balancer.Node> members = new ArrayList<>();
                    for (int i = 0; i < count; i++) {
                        members.add(new Balancer.Node("node-" + (i + 1), "127.0.0.1:" + nodes.get(i).port()));
                    }
                    try (Balancer balancer = Balancer.start(dir, members)) {
                        Dialect through = Dialect.mooring(URI.create(balancer.baseUrl().replace("http", "ws")
                                + "/api/chat?token=" + Services.TOKEN));
                        // each node warmed as the one node is (its JIT, its pools), then the balancer's path
                        for (Services.Running node : nodes) {
                            Streaming.warmUp(http, Dialect.mooring(Services.chatUri(node)));
                        }
                        Streaming.warmUp(http, through);
                        for (ChatLoad.Load load : loads) {
                            ChatLoad.Result r = ChatLoad.run(http, through, load, new CpuMeter());
                            throughput.row(count, load.answers(), load.offered(), r.perSecond(),
                                    Streaming.failures(r), Percentiles.of(r.latencyMs(), true));
                        }
                    }
                    if (count == 2) {
                        URI owner = Services.chatUri(nodes.get(0));
                        resume.row(measure("on the node that runs it", http, owner, owner, resumes));
                        resume.row(measure("on the other node (the store, then the relay)", http, owner,
                                Services.chatUri(nodes.get(1)), resumes));
                    }
                } finally {
                    nodes.forEach(Services.Running::close);
                }
            }
        }
        return throughput + "\n" + resume;
    }

    /**
     * {@code n} answers asked on {@code owner}, each resumed from seq 0 on {@code resumer} once about 200 of its
     * chunks streamed: the times to the first chunk and to the chunk that was live when it asked.
     */
    private static Object[] measure(String label, HttpClient http, URI owner, URI resumer, int n) throws Exception {
        double[] first = new double[n];
        double[] caughtUp = new double[n];
        for (int i = 0; i < n; i++) {
            Seqs asking = new Seqs();
            WebSocket ask = http.newWebSocketBuilder().buildAsync(owner, asking).get(1, TimeUnit.MINUTES);
            Seqs resuming = new Seqs();
            WebSocket resume = http.newWebSocketBuilder().buildAsync(resumer, resuming).get(1, TimeUnit.MINUTES);
            try {
                ask.sendText("{\"type\":\"chat\",\"clientMessageId\":\"" + java.util.UUID.randomUUID()
                        + "\",\"text\":\"" + BenchModelServer.question(600, 100) + "\"}", true).join();
                asking.reached(200).get(1, TimeUnit.MINUTES);
                long live = asking.lastSeq;
                CompletableFuture<Long> firstAt = resuming.reached(1);
                CompletableFuture<Long> liveAt = resuming.reached(live);
                long start = System.nanoTime();
                resume.sendText("{\"type\":\"resume\",\"completionId\":\"" + asking.completionId
                        + "\",\"afterSeq\":0}", true).join();
                first[i] = (firstAt.get(1, TimeUnit.MINUTES) - start) / 1e6;
                caughtUp[i] = (liveAt.get(1, TimeUnit.MINUTES) - start) / 1e6;
                asking.done.get(1, TimeUnit.MINUTES);
            } finally {
                ask.abort();
                resume.abort();
            }
        }
        return new Object[] {label, Percentiles.of(first, false), Percentiles.of(caughtUp, false)};
    }

    /** One connection's view of one answer: its id, the last seq received, and when a seq was first reached. */
    private static final class Seqs extends FrameListener {
        volatile String completionId;
        volatile long lastSeq;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        private final List<long[]> waits = new ArrayList<>();
        private final List<CompletableFuture<Long>> waiters = new ArrayList<>();

        synchronized CompletableFuture<Long> reached(long seq) {
            CompletableFuture<Long> reached = new CompletableFuture<>();
            waits.add(new long[] {seq});
            waiters.add(reached);
            return reached;
        }

        @Override
        void onFrame(String frame, long nanos) {
            if (is(frame, "accepted")) {
                completionId = Dialect.stringField(frame, "completionId");
            } else if (is(frame, "chunk")) {
                int at = frame.indexOf("\"seq\":") + 6;
                int end = at;
                while (Character.isDigit(frame.charAt(end))) {
                    end++;
                }
                lastSeq = Long.parseLong(frame, at, end, 10);
                synchronized (this) {
                    for (int i = 0; i < waits.size(); i++) {
                        if (waits.get(i)[0] <= lastSeq) {
                            waiters.get(i).complete(nanos);
                        }
                    }
                }
            } else if (is(frame, "done")) {
                done.complete(null);
            }
        }
    }
}

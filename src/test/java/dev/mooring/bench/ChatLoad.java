package dev.mooring.bench;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * WebSocket load clients: connect many, then each asks for one answer of the {@link BenchModelServer} and notes, for
 * every chunk, how long it took from the model server's write to its arrival here, and for the first chunk, the time
 * the server added between the question and that chunk (the model's own delay taken out).
 */
final class ChatLoad {

    /** This many answers at once, each this many chunks at this many chunks per second (0: as fast as they go). */
    record Load(int answers, int chunks, int perSecond) {
        static Load parse(String spec) {
            String[] p = spec.trim().split("x");
            return new Load(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]));
        }

        String offered() {
            return perSecond == 0 ? "flat out" : Table.format(answers * perSecond);
        }
    }

    /** What one load measured; times in milliseconds. */
    record Result(double[] latencyMs, double[] firstChunkAddedMs, double[] acceptedMs, long chunks, double seconds,
            CpuMeter.Reading cpu, List<String> completionIds, int failed, String firstError) {
        double perSecond() {
            return chunks / seconds;
        }
    }

    private ChatLoad() {
    }

    /** One load client: its socket, its conversation, and what it received. */
    static final class Client extends FrameListener {
        final Dialect.Conversation conversation;
        final CompletableFuture<Void> ready = new CompletableFuture<>();
        final CompletableFuture<Void> end = new CompletableFuture<>();
        volatile String completionId;
        volatile long acceptedAt;
        volatile Sink sink;
        volatile WebSocket socket;
        volatile long askedAt;
        volatile boolean first = true;

        Client(Dialect.Conversation conversation) {
            this.conversation = conversation;
        }

        @Override
        void onFrame(String frame, long nanos) {
            if (!ready.isDone()) {
                if (conversation.ready(frame)) {
                    ready.complete(null);
                }
                return;
            }
            switch (conversation.classify(frame)) {
                case CHUNK -> {
                    if (sink != null) {
                        sink.chunk(this, frame, nanos);
                    }
                }
                case END -> end.complete(null);
                case FAILED -> end.completeExceptionally(new IllegalStateException(frame));
                case OTHER -> {
                    if (frame.startsWith("{\"type\":\"accepted\"")) {
                        acceptedAt = nanos;
                        completionId = Dialect.stringField(frame, "completionId");
                    }
                }
            }
        }

        /** A socket that closes or fails ends its wait at once: it will receive nothing more, and it never reconnects. */
        @Override
        public CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
            lost(new IllegalStateException("closed " + code + " " + reason));
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            lost(error);
        }

        private void lost(Throwable why) {
            ready.completeExceptionally(why);
            end.completeExceptionally(why);
        }

        void ask(String question) {
            askedAt = System.nanoTime();
            socket.sendText(conversation.ask(question), true).exceptionally(e -> {
                lost(e);
                return null;
            }).join();
        }
    }

    /** Connects {@code n} clients and waits until every one may ask. */
    static List<Client> connect(HttpClient http, Dialect dialect, int n) throws Exception {
        List<Client> clients = new ArrayList<>(n);
        List<CompletableFuture<WebSocket>> sockets = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Client client = new Client(dialect.open());
            clients.add(client);
            sockets.add(http.newWebSocketBuilder().buildAsync(dialect.uri(), client));
            if (i >= 200) {
                sockets.get(i - 200).get(2, TimeUnit.MINUTES); // at most 200 handshakes in flight
            }
        }
        for (int i = 0; i < n; i++) {
            Client client = clients.get(i);
            client.socket = sockets.get(i).get(2, TimeUnit.MINUTES);
            String greeting = client.conversation.greeting();
            if (greeting != null) {
                client.socket.sendText(greeting, true).join();
            }
        }
        for (Client client : clients) {
            client.ready.get(2, TimeUnit.MINUTES);
        }
        return clients;
    }

    static void abort(List<Client> clients) {
        clients.forEach(c -> c.socket.abort());
    }

    /**
     * Runs {@code load} on fresh clients, with {@code meter} measuring from the first question to the last end. The
     * questions are spread over {@code bench.rampMillis} (2 s; at most half an answer's length, at least one pace
     * period): people do not all press Enter in the same millisecond. An answer that fails is counted, not fatal.
     */
    static Result run(HttpClient http, Dialect dialect, Load load, CpuMeter meter) throws Exception {
        List<Client> clients = connect(http, dialect, load.answers());
        try {
            meter.start();
            Sink sink = new Sink(load.answers() * load.chunks(), load.answers());
            clients.forEach(c -> c.sink = sink);
            long start = System.nanoTime();
            long spread = ramp(load) / load.answers();
            for (int i = 0; i < clients.size(); i++) {
                LockSupport.parkNanos(start + i * spread - System.nanoTime());
                clients.get(i).ask(BenchModelServer.question(load.chunks(), load.perSecond()));
            }
            int failed = 0;
            String error = null;
            for (Client client : clients) {
                try {
                    client.end.get(10, TimeUnit.MINUTES);
                } catch (java.util.concurrent.ExecutionException e) {
                    failed++;
                    error = error == null ? e.getCause().getMessage() : error;
                }
            }
            CpuMeter.Reading cpu = meter.stop();
            int delivered = Math.min(sink.count.get(), sink.latencyMs.length);
            if (failed == 0 && delivered != load.answers() * load.chunks()) {
                throw new IllegalStateException("expected " + load.answers() * load.chunks() + " chunks, got " + delivered);
            }
            // the spread of the questions is not streaming time: an answer that starts late also ends late
            long streaming = sink.lastArrival.get() - start - spread * (load.answers() - 1);
            int firsts = sink.firsts.get();
            return new Result(Arrays.copyOf(sink.latencyMs, delivered), Arrays.copyOf(sink.firstMs, firsts),
                    Arrays.copyOf(sink.acceptedMs, firsts), delivered, streaming / 1e9, cpu,
                    clients.stream().map(c -> c.completionId).toList(), failed, error);
        } finally {
            abort(clients);
        }
    }

    private static long ramp(Load load) {
        if (load.perSecond() == 0) {
            return 100_000_000L;
        }
        long period = 1_000_000_000L / load.perSecond();
        long ramp = Math.min(Long.getLong("bench.rampMillis", 2000) * 1_000_000L, period * load.chunks() / 2);
        return Math.max(period, ramp);
    }

    /** Where the clients of one load note their chunks. */
    static final class Sink {
        final double[] latencyMs;
        final double[] firstMs;
        final double[] acceptedMs;
        final AtomicInteger count = new AtomicInteger();
        final AtomicInteger firsts = new AtomicInteger();
        final AtomicLong lastArrival = new AtomicLong();

        Sink(int chunks, int answers) {
            latencyMs = new double[chunks];
            firstMs = new double[answers];
            acceptedMs = new double[answers];
        }

        void chunk(Client client, String frame, long nanos) {
            int a = frame.indexOf('@');
            int b = frame.indexOf('@', a + 1);
            long written = Long.parseLong(frame, a + 1, b, 10);
            int i = count.getAndIncrement();
            if (i < latencyMs.length) {
                latencyMs[i] = (nanos - written) / 1e6;
            }
            lastArrival.accumulateAndGet(nanos, Math::max);
            if (client.first) {
                client.first = false;
                long arrivedAtModel = Long.parseLong(frame, b + 1, frame.indexOf('@', b + 1), 10);
                int n = firsts.getAndIncrement();
                firstMs[n] = ((nanos - client.askedAt) - (written - arrivedAtModel)) / 1e6;
                // a server that does not acknowledge questions (mito-ai) counts 0 here
                acceptedMs[n] = client.acceptedAt == 0 ? 0 : (client.acceptedAt - client.askedAt) / 1e6;
            }
        }
    }
}

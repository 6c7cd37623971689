package dev.mooring.bench;

import dev.mooring.testing.FakeOpenAiServer;
import dev.mooring.testing.FakeOpenAiServer.Reply;
import dev.mooring.testing.ServiceProcess;
import dev.mooring.testing.WsClient;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per-chunk latency through the whole path: a model server speaking OpenAI's streaming format writes each delta with
 * the moment it wrote it; the packaged service reads it through LangChain4j's real client, stores progress and
 * streams it on; a WebSocket client notes when the chunk arrives. Model server and clients live in this JVM, so both
 * moments come from one clock ({@link System#nanoTime()}). Several loads, each a number of answers streaming at once
 * at a given pace, the questions spread over one pace period. Each load also runs the provider leg alone (the same
 * server read by LangChain4j in this JVM), to tell the service's share from the model client's. Run by
 * {@code scripts/bench.sh}; writes Markdown to the file named by the first argument. System properties:
 * {@code bench.loads} ({@code answers x chunks x chunks-per-second}, comma-separated), {@code bench.serviceJvm}
 * (extra JVM options of the service).
 */
public final class LatencyBenchmark {

    /** One load: this many answers at once, each this many chunks at this many chunks per second. */
    private record Load(int answers, int chunksPerAnswer, int chunksPerSecond) {
        int offered() {
            return answers * chunksPerSecond;
        }
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        // answers x chunks per answer x chunks per second, comma-separated
        List<Load> loads = Arrays.stream(System.getProperty("bench.loads", "10x500x50,100x500x50,200x1000x100,400x1000x100")
                .split(",")).map(spec -> spec.trim().split("x")).map(p -> new Load(Integer.parseInt(p[0]),
                        Integer.parseInt(p[1]), Integer.parseInt(p[2]))).toList();
        Path data = Files.createTempDirectory("mooring-latency");
        StringBuilder report = new StringBuilder();
        report.append("| answers at once | chunks/s offered | chunks/s delivered | model server to client, p50 / p99 / max "
                + "(ms) | model server to LangChain4j alone, p50 / p99 / max (ms) |\n")
                .append("| --- | --- | --- | --- | --- |\n");
        try (FakeOpenAiServer model = FakeOpenAiServer.start()) {
            ServiceProcess service = new ServiceProcess(data, model.baseUrl())
                    .env("CHAT_NODE_NAME", "latency-bench")
                    .env("CHAT_RATE_LIMIT_FRAMES_PER_SECOND", "100000")
                    .env("CHAT_RATE_LIMIT_BURST", "100000")
                    .env("CHAT_COMPLETIONS_RETAIN_AFTER_END", "1s")
                    .env("JAVA_TOOL_OPTIONS", "-Xmx1g " + System.getProperty("bench.serviceJvm", ""));
            service.start();
            try {
                run(service, model, new Load(20, 50, 50)); // warm-up
                providerLeg(model, new Load(20, 50, 50));
                for (Load load : loads) {
                    Measured leg = providerLeg(model, load);
                    Measured m = run(service, model, load);
                    report.append(String.format(Locale.ROOT, "| %d | %d | %.0f | %s | %s |%n", load.answers(),
                            load.offered(), m.deliveredPerSecond(), m.percentiles(), leg.percentiles()));
                    System.out.print(report);
                }
            } finally {
                service.stop();
            }
        }
        Files.writeString(out, report.toString());
    }

    /**
     * The provider leg alone: the same model server read by LangChain4j's OpenAI client in this JVM, with the latency
     * taken at {@code onPartialResponse}. The difference to {@link #run} is the service and the WebSocket.
     */
    static Measured providerLeg(FakeOpenAiServer model, Load load) throws Exception {
        long pace = 1_000_000_000L / load.chunksPerSecond();
        model.setDefaultReply(() -> Reply.timestamps(load.chunksPerAnswer()).paced(Duration.ofNanos(pace)));
        dev.langchain4j.model.openai.OpenAiStreamingChatModel client = dev.langchain4j.model.openai
                .OpenAiStreamingChatModel.builder().baseUrl(model.baseUrl()).apiKey("sk-bench").modelName("gpt-fake")
                .httpClientBuilder(dev.langchain4j.http.client.jdk.JdkHttpClient.builder().httpClientBuilder(
                        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)))
                .build();
        int total = load.answers() * load.chunksPerAnswer();
        double[] latencies = new double[total];
        AtomicInteger recorded = new AtomicInteger();
        List<CompletableFuture<Void>> done = new ArrayList<>();
        long start = System.nanoTime();
        long spread = pace / load.answers();
        for (int i = 0; i < load.answers(); i++) {
            java.util.concurrent.locks.LockSupport.parkNanos(start + i * spread - System.nanoTime());
            CompletableFuture<Void> finished = new CompletableFuture<>();
            done.add(finished);
            client.chat("latency " + i, new dev.langchain4j.model.chat.response.StreamingChatResponseHandler() {
                @Override
                public void onPartialResponse(String text) {
                    long now = System.nanoTime();
                    if (text.startsWith("@")) {
                        long sent = Long.parseLong(text, 1, text.indexOf('@', 1), 10);
                        latencies[recorded.getAndIncrement()] = (now - sent) / 1e6;
                    }
                }

                @Override
                public void onCompleteResponse(dev.langchain4j.model.chat.response.ChatResponse response) {
                    finished.complete(null);
                }

                @Override
                public void onError(Throwable error) {
                    finished.completeExceptionally(error);
                }
            });
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (recorded.get() != total) {
            throw new IllegalStateException("expected " + total + " deltas, got " + recorded.get());
        }
        return new Measured(latencies, total / seconds);
    }

    private record Measured(double[] latenciesMs, double deliveredPerSecond) {
        String percentiles() {
            double[] sorted = latenciesMs.clone();
            Arrays.sort(sorted);
            return String.format(Locale.ROOT, "%.1f / %.1f / %.1f", sorted[sorted.length / 2],
                    sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * 0.99) - 1)],
                    sorted[sorted.length - 1]);
        }
    }

    private static Measured run(ServiceProcess service, FakeOpenAiServer model, Load load) throws Exception {
        long pace = 1_000_000_000L / load.chunksPerSecond();
        model.setDefaultReply(() -> Reply.timestamps(load.chunksPerAnswer()).paced(Duration.ofNanos(pace)));
        int total = load.answers() * load.chunksPerAnswer();
        double[] latencies = new double[total];
        AtomicInteger recorded = new AtomicInteger();
        HttpClient http = HttpClient.newHttpClient();
        List<CompletableFuture<Void>> done = new ArrayList<>();
        List<WebSocket> sockets = new ArrayList<>();
        for (int i = 0; i < load.answers(); i++) {
            CompletableFuture<Void> finished = new CompletableFuture<>();
            done.add(finished);
            sockets.add(http.newWebSocketBuilder()
                    .buildAsync(WsClient.chatUri(service.baseUrl(), ServiceProcess.TOKEN), new Listener(latencies,
                            recorded, finished))
                    .get(30, TimeUnit.SECONDS));
        }
        long start = System.nanoTime();
        // Questions spread evenly over one pace period, so that the answers' chunks do not all fall due at once
        // (people do not all press Enter in the same millisecond).
        long spread = pace / load.answers();
        for (int i = 0; i < sockets.size(); i++) {
            java.util.concurrent.locks.LockSupport.parkNanos(start + i * spread - System.nanoTime());
            sockets.get(i).sendText(WsClient.chatFrame(UUID.randomUUID().toString(), null, "latency " + i).toString(),
                    true).join();
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - start) / 1e9;
        sockets.forEach(WebSocket::abort);
        int n = recorded.get();
        if (n != total) {
            throw new IllegalStateException("expected " + total + " chunks, got " + n);
        }
        return new Measured(latencies, total / seconds);
    }

    /** Notes the arrival of each chunk against the moment the model server wrote it; ends at {@code done}. */
    private static final class Listener implements WebSocket.Listener {
        private final double[] latencies;
        private final AtomicInteger recorded;
        private final CompletableFuture<Void> finished;
        private final StringBuilder partial = new StringBuilder();

        Listener(double[] latencies, AtomicInteger recorded, CompletableFuture<Void> finished) {
            this.latencies = latencies;
            this.recorded = recorded;
            this.finished = finished;
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                long now = System.nanoTime();
                String frame = partial.toString();
                partial.setLength(0);
                if (frame.startsWith("{\"type\":\"chunk\"")) {
                    int at = frame.indexOf("\"delta\":\"@") + 10;
                    long sent = Long.parseLong(frame, at, frame.indexOf('@', at), 10);
                    latencies[recorded.getAndIncrement()] = (now - sent) / 1e6;
                } else if (frame.startsWith("{\"type\":\"done\"")) {
                    if (!frame.contains("\"status\":\"completed\"")) {
                        finished.completeExceptionally(new IllegalStateException("answer did not complete: " + frame));
                    } else {
                        finished.complete(null);
                    }
                } else if (frame.startsWith("{\"type\":\"ping\"")) {
                    socket.sendText(frame.replace("\"ping\"", "\"pong\""), true);
                } else if (frame.startsWith("{\"type\":\"error\"")) {
                    finished.completeExceptionally(new IllegalStateException(frame));
                }
            }
            socket.request(1);
            return null;
        }
    }
}

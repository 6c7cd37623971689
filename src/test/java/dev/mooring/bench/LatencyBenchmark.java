package dev.mooring.bench;

import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

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
                            load.offered(), m.deliveredPerSecond(), Percentiles.of(m.latenciesMs(), true), Percentiles.of(leg.latenciesMs(), true)));
                    System.out.print(report);
                }
            } finally {
                service.stop();
            }
        }
        Files.writeString(out, report.toString());
    }

    /** Latencies of one load, in milliseconds, from the stamps {@code @<nanoTime>@} the model server wrote. */
    private static final class Stamps {
        final double[] millis;
        final AtomicInteger count = new AtomicInteger();

        Stamps(int total) {
            millis = new double[total];
        }

        /** Records the stamp that starts at {@code text[from]} (its first '@'), received at {@code nanos}. */
        void note(String text, int from, long nanos) {
            long sent = Long.parseLong(text, from + 1, text.indexOf('@', from + 1), 10);
            millis[count.getAndIncrement()] = (nanos - sent) / 1e6;
        }
    }

    private record Measured(double[] latenciesMs, double deliveredPerSecond) {
    }

    /**
     * Streams {@code load} from the model server: {@code ask} starts answer {@code i} and returns its end. The
     * questions are spread evenly over one pace period, so that the answers' chunks do not all fall due at once
     * (people do not all press Enter in the same millisecond).
     */
    private static Measured measure(FakeOpenAiServer model, Load load, Stamps stamps,
            IntFunction<CompletableFuture<Void>> ask) throws Exception {
        long pace = 1_000_000_000L / load.chunksPerSecond();
        model.setDefaultReply(() -> Reply.timestamps(load.chunksPerAnswer()).paced(Duration.ofNanos(pace)));
        List<CompletableFuture<Void>> done = new ArrayList<>();
        long start = System.nanoTime();
        long spread = pace / load.answers();
        for (int i = 0; i < load.answers(); i++) {
            LockSupport.parkNanos(start + i * spread - System.nanoTime());
            done.add(ask.apply(i));
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - start) / 1e9;
        int total = stamps.millis.length;
        if (stamps.count.get() != total) {
            throw new IllegalStateException("expected " + total + " chunks, got " + stamps.count.get());
        }
        return new Measured(stamps.millis, total / seconds);
    }

    /** Through the service: WebSocket clients (connected beforehand) ask, and note each chunk's arrival. */
    private static Measured run(ServiceProcess service, FakeOpenAiServer model, Load load) throws Exception {
        Stamps stamps = new Stamps(load.answers() * load.chunksPerAnswer());
        HttpClient http = HttpClient.newHttpClient();
        List<CompletableFuture<Void>> ends = new ArrayList<>();
        List<WebSocket> sockets = new ArrayList<>();
        for (int i = 0; i < load.answers(); i++) {
            CompletableFuture<Void> end = new CompletableFuture<>();
            ends.add(end);
            sockets.add(http.newWebSocketBuilder()
                    .buildAsync(WsClient.chatUri(service.baseUrl(), ServiceProcess.TOKEN), new FrameListener() {
                        @Override
                        void onFrame(String frame, long nanos) {
                            if (is(frame, "chunk")) {
                                stamps.note(frame, frame.indexOf("\"delta\":\"@") + 9, nanos);
                            } else if (is(frame, "done") && frame.contains("\"status\":\"completed\"")) {
                                end.complete(null);
                            } else if (is(frame, "done") || is(frame, "error")) {
                                end.completeExceptionally(new IllegalStateException(frame));
                            }
                        }
                    })
                    .get(30, TimeUnit.SECONDS));
        }
        try {
            return measure(model, load, stamps, i -> {
                sockets.get(i).sendText(WsClient.chatFrame(UUID.randomUUID().toString(), null, "latency " + i)
                        .toString(), true).join();
                return ends.get(i);
            });
        } finally {
            sockets.forEach(WebSocket::abort);
        }
    }

    /**
     * The provider leg alone: the same model server read by LangChain4j's OpenAI client in this JVM, with the latency
     * taken at {@code onPartialResponse}. The difference to {@link #run} is the service and the WebSocket.
     */
    private static Measured providerLeg(FakeOpenAiServer model, Load load) throws Exception {
        OpenAiStreamingChatModel client = OpenAiStreamingChatModel.builder().baseUrl(model.baseUrl())
                .apiKey("sk-bench").modelName("gpt-fake")
                .httpClientBuilder(JdkHttpClient.builder()
                        .httpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)))
                .build();
        Stamps stamps = new Stamps(load.answers() * load.chunksPerAnswer());
        return measure(model, load, stamps, i -> {
            CompletableFuture<Void> end = new CompletableFuture<>();
            client.chat("latency " + i, new StreamingChatResponseHandler() {
                @Override
                public void onPartialResponse(String text) {
                    if (text.startsWith("@")) {
                        stamps.note(text, 0, System.nanoTime());
                    }
                }

                @Override
                public void onCompleteResponse(ChatResponse response) {
                    end.complete(null);
                }

                @Override
                public void onError(Throwable error) {
                    end.completeExceptionally(error);
                }
            });
            return end;
        });
    }
}

package dev.mooring.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load's model: an HTTP server on 127.0.0.1 that answers OpenAI's streaming {@code /v1/chat/completions} for any
 * client (the service's LangChain4j, mito-ai's openai SDK). The question names its answer ({@link #question}): how
 * many deltas, at what pace. Each delta's text is a stamp of {@link System#nanoTime()} taken as it is written,
 * {@code @<written>@}; the first one also carries the moment the request arrived, {@code @<written>@<arrived>@}, so a
 * client in this JVM (one clock) knows each chunk's latency and how long the model itself took to start.
 */
final class BenchModelServer implements AutoCloseable {

    private static final Pattern SPEC = Pattern.compile("bench n=(\\d+) rate=(\\d+)");

    private final HttpServer server;
    private final ExecutorService requests = Executors.newCachedThreadPool(daemon("bench-model"));
    private final ScheduledExecutorService pacer = Executors.newScheduledThreadPool(2, daemon("bench-model-pacer"));

    BenchModelServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        server.setExecutor(requests);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The question that makes this server stream {@code deltas} deltas at {@code perSecond} (0: as fast as it can). */
    static String question(int deltas, int perSecond) {
        return "bench n=" + deltas + " rate=" + perSecond;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    private void handle(HttpExchange exchange) throws IOException {
        long arrived = System.nanoTime();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (!exchange.getRequestURI().getPath().endsWith("/chat/completions")) {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
        }
        // the last spec in the body is the newest question (a client may send its whole history)
        Matcher spec = SPEC.matcher(body);
        int deltas = 3;
        int perSecond = 0;
        while (spec.find()) {
            deltas = Integer.parseInt(spec.group(1));
            perSecond = Integer.parseInt(spec.group(2));
        }
        if (!body.replace(" ", "").contains("\"stream\":true")) {
            answerWhole(exchange);
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        Stream stream = new Stream(exchange, deltas, arrived);
        stream.write("{\"role\":\"assistant\",\"content\":\"\"}", null);
        if (perSecond == 0) {
            while (stream.next()) {
                // as fast as the client reads
            }
        } else {
            long period = 1_000_000_000L / perSecond;
            stream.paced = pacer.scheduleAtFixedRate(() -> {
                ScheduledFuture<?> self = stream.paced;
                if (!stream.next() && self != null) {
                    self.cancel(false);
                }
            }, period, period, TimeUnit.NANOSECONDS);
        }
    }

    /** A non-streaming request (a title, a summary): one short completion. */
    private static void answerWhole(HttpExchange exchange) throws IOException {
        byte[] json = ("{\"id\":\"bench\",\"object\":\"chat.completion\",\"created\":1700000000,\"model\":\"bench\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Bench\"},"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,"
                + "\"total_tokens\":2}}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, json.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(json);
        }
    }

    /** One streamed answer: writes its next delta, then the end, and closes on any error. */
    private static final class Stream {
        private final HttpExchange exchange;
        private final OutputStream out;
        private final int deltas;
        private final long arrived;
        private final AtomicInteger written = new AtomicInteger();
        volatile ScheduledFuture<?> paced;

        Stream(HttpExchange exchange, int deltas, long arrived) {
            this.exchange = exchange;
            this.out = exchange.getResponseBody();
            this.deltas = deltas;
            this.arrived = arrived;
        }

        /** Writes the next delta, or the end; false once the stream is over. */
        synchronized boolean next() {
            int i = written.getAndIncrement();
            if (i > deltas) {
                return false;
            }
            if (i == deltas) {
                write("{}", "stop");
                finish("data: [DONE]\n\n");
                return false;
            }
            String stamp = "@" + System.nanoTime() + "@" + (i == 0 ? arrived + "@" : "");
            return write("{\"content\":\"" + stamp + "\"}", null);
        }

        boolean write(String delta, String finish) {
            String event = "data: {\"id\":\"bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                    + "\"model\":\"bench\",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":"
                    + (finish == null ? "null" : "\"" + finish + "\"") + "}]}\n\n";
            try {
                out.write(event.getBytes(StandardCharsets.UTF_8));
                out.flush();
                return true;
            } catch (IOException e) {
                written.set(deltas + 1);
                exchange.close();
                return false;
            }
        }

        private void finish(String last) {
            try {
                out.write(last.getBytes(StandardCharsets.UTF_8));
                out.close();
            } catch (IOException ignored) {
                // the client went away at the very end
            }
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pacer.shutdownNow();
        requests.shutdownNow();
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}

package dev.mooring.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A real HTTP server on {@code 127.0.0.1} that answers like OpenAI's {@code POST /v1/chat/completions}, so that tests
 * run the real LangChain4j client code against a scripted model.
 *
 * <p>Each request takes the next {@link Reply} from a queue filled with {@link #enqueue(Reply)}; when the queue is
 * empty it gets a fresh reply from the default supplier (a short streamed answer, see {@link #setDefaultReply}).
 * A reply is a one-shot script plus the observations of the request that consumed it:
 * <pre>{@code
 * try (FakeOpenAiServer server = FakeOpenAiServer.start()) {
 *     Reply reply = server.enqueue(Reply.stream("Hel", "lo").gated());
 *     // point the client at server.baseUrl() and start a request, then:
 *     reply.release(1);                        // lets "Hel" out; "lo" waits for the next release
 *     reply.awaitClientClosed(Duration.ofSeconds(5));
 *     assertTrue(reply.request().body().contains("my cell source"));
 * }
 * }</pre>
 *
 * <p>What a reply can do: stream deltas (OpenAI's {@code chat.completion.chunk} SSE lines, a last chunk with a
 * {@code finish_reason}, a usage chunk, then {@code data: [DONE]}), optionally {@linkplain Reply#paced paced} or
 * {@linkplain Reply#gated released step by step}; answer an HTTP error with OpenAI's JSON error body
 * ({@link Reply#error(int)}); {@linkplain Reply#cutAfter cut the connection} after some deltas; end the HTTP body
 * {@linkplain Reply#endEarlyAfter cleanly but early}; {@linkplain Reply#toolCall call tools} after its text; or
 * {@linkplain Reply#hang() never answer}. A request whose
 * body does not ask for {@code "stream": true} gets one {@code chat.completion} JSON object instead, from its own
 * queue ({@link #enqueueCompletion}), so a conversation's title never takes a streamed answer's reply.
 *
 * <p>Every response is HTTP/1.1 with {@code Connection: close}, so one connection carries one request and a reply
 * can tell whether the client closed its connection before the reply was over ({@link Reply#clientClosed()}).
 * Other paths get what a {@linkplain #route route} answers (a model list in a provider's format), else OpenAI's
 * 404 body. The server ignores {@code Upgrade: h2c} requests (as HTTP/1.1
 * servers may) and answers them in HTTP/1.1.
 */
public final class FakeOpenAiServer implements AutoCloseable {

    private static final Pattern STREAM_TRUE = Pattern.compile("\"stream\"\\s*:\\s*true");
    private static final long POLL_MILLIS = 20;

    private final ServerSocket serverSocket;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "fake-openai");
        thread.setDaemon(true);
        return thread;
    });
    private final Queue<Reply> replies = new ConcurrentLinkedQueue<>();
    private final Queue<Reply> completionReplies = new ConcurrentLinkedQueue<>();
    private final Map<String, Function<RecordedRequest, Reply>> routes = new ConcurrentHashMap<>();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final Set<Socket> openSockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger requestCount = new AtomicInteger();
    private volatile Supplier<Reply> defaultReply =
            () -> Reply.stream("Hello", " from", " the", " fake", " model.");
    private volatile boolean closed;

    private FakeOpenAiServer() throws IOException {
        serverSocket = new ServerSocket();
        serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
        threads.execute(this::acceptLoop);
    }

    /** Starts a server on a free port of 127.0.0.1. */
    public static FakeOpenAiServer start() {
        try {
            return new FakeOpenAiServer();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fake OpenAI server", e);
        }
    }

    /** The base URL to give an OpenAI client: {@code http://127.0.0.1:PORT/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    /** Scripts the next request that finds no earlier reply waiting; returns the reply to observe and drive it. */
    public Reply enqueue(Reply reply) {
        replies.add(reply);
        return reply;
    }

    /** Forgets the replies enqueued and not yet taken (what a failed test left behind). */
    public void clearReplies() {
        replies.clear();
    }

    /**
     * Scripts the next non-streaming {@code chat/completions} request (such as a conversation's title); those never
     * take a reply of {@link #enqueue}'s queue. Without one they answer "Fake conversation title".
     */
    public Reply enqueueCompletion(Reply reply) {
        completionReplies.add(reply);
        return reply;
    }

    /**
     * Answers {@code method path} (the path without its query, e.g. {@code GET /v1/models}) with what {@code answer}
     * makes of each request: a model list in a provider's format, say, or a refusal of a wrong key.
     */
    public void route(String method, String path, Function<RecordedRequest, Reply> answer) {
        routes.put(method + " " + path, answer);
    }

    /** What a request gets when nothing is enqueued; the supplier must return a new reply for each call. */
    public void setDefaultReply(Supplier<Reply> supplier) {
        this.defaultReply = supplier;
    }

    /** How many requests arrived (every path, every method). */
    public int requestCount() {
        return requestCount.get();
    }

    /** The requests received so far, oldest first. */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** The newest request received, or {@code null}. */
    public RecordedRequest lastRequest() {
        List<RecordedRequest> all = requests();
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    /** Stops accepting, closes every open connection and releases every waiting reply. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(serverSocket);
        for (Socket socket : openSockets) {
            closeQuietly(socket);
        }
        threads.shutdownNow();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket socket = serverSocket.accept();
                openSockets.add(socket);
                threads.execute(() -> serve(socket));
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("fake OpenAI server: accept failed: " + e);
                }
                return;
            }
        }
    }

    private void serve(Socket socket) {
        Reply reply = null;
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            RecordedRequest request = readRequest(in);
            if (request == null) {
                return;
            }
            requests.add(request);
            requestCount.incrementAndGet();
            OutputStream out = socket.getOutputStream();
            String path = request.path().replaceFirst("\\?.*$", "");
            Function<RecordedRequest, Reply> route = routes.get(request.method() + " " + path);
            if (route != null) {
                route.apply(request).bind(request).writeBody(out);
                return;
            }
            if (!request.method().equals("POST") || !request.path().endsWith("/chat/completions")) {
                Reply.error(404).bind(request).writeBody(out);
                return;
            }
            boolean streaming = STREAM_TRUE.matcher(request.body()).find();
            reply = streaming ? replies.poll() : completionReplies.poll();
            if (reply == null) {
                reply = streaming ? defaultReply.get() : Reply.stream("Fake conversation title");
            }
            reply.bind(request);
            Reply watched = reply;
            threads.execute(() -> watchForClose(in, watched));
            reply.perform(out, socket, streaming, () -> closed);
        } catch (IOException e) {
            if (reply != null) {
                reply.markClientClosed();
            }
        } finally {
            openSockets.remove(socket);
            if (reply != null) {
                reply.markOver();
            }
        }
    }

    /** Blocks on the request's stream until the client closes its side (EOF or reset). */
    private static void watchForClose(InputStream in, Reply reply) {
        try {
            while (in.read() >= 0) {
                // a client sends nothing more on a Connection: close exchange; drain whatever it does send
            }
        } catch (IOException ignored) {
            // reset by the peer, or closed by us: either way the exchange is over
        }
        reply.markClientClosed();
    }

    private static RecordedRequest readRequest(InputStream in) throws IOException {
        String requestLine = readLine(in);
        if (requestLine == null || requestLine.isEmpty()) {
            return null;
        }
        String[] parts = requestLine.split(" ");
        if (parts.length < 2) {
            return null;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        byte[] body;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = readChunkedBody(in);
        } else {
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            body = in.readNBytes(length);
        }
        return new RecordedRequest(parts[0], parts[1], Collections.unmodifiableMap(headers),
                new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] readChunkedBody(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            if (sizeLine == null) {
                return body.toByteArray();
            }
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                for (String trailer = readLine(in); trailer != null && !trailer.isEmpty(); trailer = readLine(in)) {
                    // trailers are not recorded
                }
                return body.toByteArray();
            }
            body.write(in.readNBytes(size));
            readLine(in);
        }
    }

    /** Reads one CRLF- (or LF-) terminated line in ISO-8859-1; {@code null} at end of stream. */
    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) c);
        }
        return line.length() == 0 ? null : line.toString();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }

    /** One received request; header names are lower case. */
    public record RecordedRequest(String method, String path, Map<String, String> headers, String body) {

        /** A header's value, or {@code null}; the name is case-insensitive. */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /**
     * A scripted answer to one request, and what happened to it. Build it with a factory method and the chaining
     * options, {@linkplain FakeOpenAiServer#enqueue enqueue} it, then drive ({@link #release}) and observe it.
     */
    public static final class Reply {

        private enum Kind { STREAM, BODY, HANG }

        private final Kind kind;
        private final List<String> deltas;
        private final int status;
        private final String errorBody;
        private String finishReason = "stop";
        private final List<String[]> toolCalls = new java.util.ArrayList<>();
        private String model = "gpt-fake";
        private int cutAfter = -1;
        private int endEarlyAfter = -1;
        private Duration pace = Duration.ZERO;
        private volatile boolean gated;
        private boolean stamped;

        private final Semaphore permits = new Semaphore(0);
        private final CountDownLatch started = new CountDownLatch(1);
        private final CountDownLatch clientClosed = new CountDownLatch(1);
        private final CountDownLatch over = new CountDownLatch(1);
        private final AtomicInteger deltasSent = new AtomicInteger();
        private volatile boolean complete;
        private volatile RecordedRequest request;

        private Reply(Kind kind, List<String> deltas, int status, String errorBody) {
            this.kind = kind;
            this.deltas = deltas;
            this.status = status;
            this.errorBody = errorBody;
        }

        /** Streams these deltas, one chunk each, then a chunk with {@code finish_reason: "stop"} and {@code [DONE]}. */
        public static Reply stream(String... deltas) {
            return stream(List.of(deltas));
        }

        /** Streams these deltas, one chunk each, then a chunk with {@code finish_reason: "stop"} and {@code [DONE]}. */
        public static Reply stream(List<String> deltas) {
            return new Reply(Kind.STREAM, List.copyOf(deltas), 200, null);
        }

        /**
         * Streams {@code n} deltas whose text is the moment each is written, {@code @<System.nanoTime()>@}, for
         * measuring the latency from the provider to a client in the same JVM.
         */
        public static Reply timestamps(int n) {
            Reply reply = new Reply(Kind.STREAM, java.util.Collections.nCopies(n, ""), 200, null);
            reply.stamped = true;
            return reply;
        }

        /** Answers this HTTP status with OpenAI's JSON error body for it (401, 403, 404, 400, 429, 5xx...). */
        public static Reply error(int status) {
            return error(status, openAiErrorBody(status));
        }

        /** Answers this HTTP status with this JSON body. */
        public static Reply error(int status, String jsonBody) {
            return json(status, jsonBody);
        }

        /** Answers this HTTP status with this JSON body (a {@linkplain #route route's} answer, say). */
        public static Reply json(int status, String jsonBody) {
            return new Reply(Kind.BODY, List.of(), status, jsonBody);
        }

        /** Reads the request and never answers: not even the status line. Ends when the client or server closes. */
        public static Reply hang() {
            return new Reply(Kind.HANG, List.of(), 0, null);
        }

        /**
         * Each delta waits for a {@link #release} by the test; the normal end of the stream follows the last delta,
         * while a {@linkplain #cutAfter cut} or {@linkplain #endEarlyAfter early end} takes a release of its own.
         */
        public Reply gated() {
            this.gated = true;
            return this;
        }

        /** Waits this long before each delta (server-side pacing, like a real model). */
        public Reply paced(Duration pace) {
            this.pace = pace;
            return this;
        }

        /** Sends {@code n} deltas, then closes the TCP connection without ending the HTTP body (a broken stream). */
        public Reply cutAfter(int n) {
            this.cutAfter = n;
            return this;
        }

        /**
         * Sends {@code n} deltas, then ends the HTTP body properly but without a {@code finish_reason} chunk and
         * without {@code [DONE]} (a server or proxy that stopped early and closed politely).
         */
        public Reply endEarlyAfter(int n) {
            this.endEarlyAfter = n;
            return this;
        }

        /**
         * Adds a tool call, streamed after the text deltas as OpenAI streams one (the id and name first, then the
         * arguments in pieces); a reply with tool calls ends with {@code finish_reason: "tool_calls"}.
         */
        public Reply toolCall(String id, String name, String argumentsJson) {
            toolCalls.add(new String[] {id, name, argumentsJson});
            this.finishReason = "tool_calls";
            return this;
        }

        /** The {@code finish_reason} of the last chunk; {@code stop} unless set. */
        public Reply finishReason(String finishReason) {
            this.finishReason = finishReason;
            return this;
        }

        /** The {@code model} field of every chunk. */
        public Reply model(String model) {
            this.model = model;
            return this;
        }

        /** Lets {@code n} more deltas of a {@linkplain #gated() gated} reply out. */
        public void release(int n) {
            permits.release(n);
        }

        /** Lets everything that remains out, now and later: the reply is no longer gated. */
        public void releaseAll() {
            gated = false;
            permits.release(1);
        }

        /** The request this reply answered, or {@code null} while none has taken it. */
        public RecordedRequest request() {
            return request;
        }

        /** Waits until a request has taken this reply. */
        public boolean awaitStarted(Duration timeout) throws InterruptedException {
            return started.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** How many deltas were written to the connection so far. */
        public int deltasSent() {
            return deltasSent.get();
        }

        /** True once the whole scripted response (including {@code [DONE]}) was written. */
        public boolean complete() {
            return complete;
        }

        /** True once the server no longer works on this reply (sent it all, cut it, or lost the client). */
        public boolean over() {
            return over.getCount() == 0;
        }

        /** True once the client closed (or reset) its connection. */
        public boolean clientClosed() {
            return clientClosed.getCount() == 0;
        }

        /** Waits until the client closed (or reset) its connection. */
        public boolean awaitClientClosed(Duration timeout) throws InterruptedException {
            return clientClosed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        Reply bind(RecordedRequest request) {
            this.request = request;
            started.countDown();
            return this;
        }

        void markClientClosed() {
            clientClosed.countDown();
        }

        void markOver() {
            over.countDown();
        }

        void perform(OutputStream out, Socket socket, boolean streaming, Supplier<Boolean> serverClosed)
                throws IOException {
            switch (kind) {
                case BODY -> writeBody(out);
                case HANG -> {
                    while (!clientClosed() && !serverClosed.get()) {
                        awaitQuietly(clientClosed, POLL_MILLIS);
                    }
                }
                case STREAM -> {
                    if (streaming) {
                        writeStream(out, socket, serverClosed);
                    } else {
                        writeCompletion(out);
                    }
                }
            }
        }

        void writeBody(OutputStream out) throws IOException {
            byte[] body = errorBody.getBytes(StandardCharsets.UTF_8);
            String head = "HTTP/1.1 " + status + " " + reason(status) + "\r\n"
                    + "Content-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n"
                    + "Connection: close\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            complete = true;
        }

        private void writeCompletion(OutputStream out) throws IOException {
            String json = "{\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion\",\"created\":1700000000,"
                    + "\"model\":" + quote(model) + ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                    + "\"content\":" + quote(String.join("", deltas)) + "},\"finish_reason\":" + quote(finishReason)
                    + "}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":" + deltas.size()
                    + ",\"total_tokens\":" + (deltas.size() + 1) + "}}";
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            String head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            deltasSent.set(deltas.size());
            complete = true;
        }

        private void writeStream(OutputStream out, Socket socket, Supplier<Boolean> serverClosed) throws IOException {
            out.write(("HTTP/1.1 200 OK\r\n"
                    + "Content-Type: text/event-stream; charset=utf-8\r\n"
                    + "Cache-Control: no-cache\r\n"
                    + "Transfer-Encoding: chunked\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            writeEvent(out, chunk("{\"role\":\"assistant\",\"content\":\"\"}", null));
            for (int i = 0; i < deltas.size(); i++) {
                // a gated reply's cut or early end also waits for a release, so a test can time it
                if (!awaitTurn(serverClosed)) {
                    return;
                }
                if (i == cutAfter) {
                    socket.close();
                    return;
                }
                if (i == endEarlyAfter) {
                    endBody(out);
                    return;
                }
                String text = stamped ? "@" + System.nanoTime() + "@" : deltas.get(i);
                writeEvent(out, chunk("{\"content\":" + quote(text) + "}", null));
                deltasSent.incrementAndGet();
            }
            if (cutAfter >= deltas.size()) {
                socket.close();
                return;
            }
            if (endEarlyAfter >= deltas.size()) {
                endBody(out);
                return;
            }
            if (clientClosed() || serverClosed.get()) {
                return;
            }
            for (int i = 0; i < toolCalls.size(); i++) {
                String[] call = toolCalls.get(i);
                writeEvent(out, chunk("{\"tool_calls\":[{\"index\":" + i + ",\"id\":" + quote(call[0])
                        + ",\"type\":\"function\",\"function\":{\"name\":" + quote(call[1])
                        + ",\"arguments\":\"\"}}]}", null));
                String arguments = call[2];
                int half = arguments.length() / 2;
                for (String piece : new String[] {arguments.substring(0, half), arguments.substring(half)}) {
                    writeEvent(out, chunk("{\"tool_calls\":[{\"index\":" + i + ",\"function\":{\"arguments\":"
                            + quote(piece) + "}}]}", null));
                }
            }
            writeEvent(out, chunk("{}", finishReason));
            writeEvent(out, "{\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                    + "\"model\":" + quote(model) + ",\"choices\":[],\"usage\":{\"prompt_tokens\":1,"
                    + "\"completion_tokens\":" + deltas.size() + ",\"total_tokens\":" + (deltas.size() + 1) + "}}");
            writeEvent(out, "[DONE]");
            endBody(out);
            complete = true;
        }

        /** Waits for pacing and for the gate; false when the exchange ended meanwhile. */
        private boolean awaitTurn(Supplier<Boolean> serverClosed) {
            if (!pace.isZero() && awaitQuietly(clientClosed, pace.toMillis())) {
                return false;
            }
            while (gated) {
                if (clientClosed() || serverClosed.get()) {
                    return false;
                }
                try {
                    if (permits.tryAcquire(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                        break;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return !clientClosed() && !serverClosed.get();
        }

        private String chunk(String delta, String finish) {
            return "{\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                    + "\"model\":" + quote(model) + ",\"choices\":[{\"index\":0,\"delta\":" + delta
                    + ",\"finish_reason\":" + (finish == null ? "null" : quote(finish)) + "}]}";
        }

        private static void writeEvent(OutputStream out, String data) throws IOException {
            byte[] event = ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
            out.write((Integer.toHexString(event.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(event);
            out.write(CRLF);
            out.flush();
        }

        private static void endBody(OutputStream out) throws IOException {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        private static final byte[] CRLF = {'\r', '\n'};

        /** True when the latch opened within the wait. */
        private static boolean awaitQuietly(CountDownLatch latch, long millis) {
            try {
                return latch.await(millis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        }

        private static String openAiErrorBody(int status) {
            String message;
            String type;
            String code;
            switch (status) {
                case 401 -> {
                    message = "Incorrect API key provided: sk-fake***. You can find your API key at "
                            + "https://platform.openai.com/account/api-keys.";
                    type = "invalid_request_error";
                    code = "invalid_api_key";
                }
                case 403 -> {
                    message = "You are not allowed to sample from this model";
                    type = "invalid_request_error";
                    code = null;
                }
                case 404 -> {
                    message = "The model `gpt-fake` does not exist or you do not have access to it.";
                    type = "invalid_request_error";
                    code = "model_not_found";
                }
                case 429 -> {
                    message = "Rate limit reached for gpt-fake on requests per min (RPM): Limit 3, Used 3, "
                            + "Requested 1. Please try again in 20s.";
                    type = "requests";
                    code = "rate_limit_exceeded";
                }
                default -> {
                    if (status >= 500) {
                        message = "The server had an error while processing your request. Sorry about that!";
                        type = "server_error";
                        code = null;
                    } else {
                        message = "Invalid request (fake server, status " + status + ").";
                        type = "invalid_request_error";
                        code = null;
                    }
                }
            }
            return "{\"error\":{\"message\":" + quote(message) + ",\"type\":" + quote(type) + ",\"param\":null,"
                    + "\"code\":" + (code == null ? "null" : quote(code)) + "}}";
        }

        private static String reason(int status) {
            return switch (status) {
                case 200 -> "OK";
                case 400 -> "Bad Request";
                case 401 -> "Unauthorized";
                case 403 -> "Forbidden";
                case 404 -> "Not Found";
                case 429 -> "Too Many Requests";
                case 500 -> "Internal Server Error";
                case 502 -> "Bad Gateway";
                case 503 -> "Service Unavailable";
                default -> "Status";
            };
        }

        /** A JSON string literal. */
        static String quote(String text) {
            StringBuilder json = new StringBuilder(text.length() + 2).append('"');
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                switch (c) {
                    case '"' -> json.append("\\\"");
                    case '\\' -> json.append("\\\\");
                    case '\n' -> json.append("\\n");
                    case '\r' -> json.append("\\r");
                    case '\t' -> json.append("\\t");
                    default -> {
                        if (c < 0x20 || Character.isSurrogate(c)) {
                            // surrogates escaped: a delta may end or start inside a pair, as a provider may send it
                            json.append(String.format("\\u%04x", (int) c));
                        } else {
                            json.append(c);
                        }
                    }
                }
            }
            return json.append('"').toString();
        }
    }
}

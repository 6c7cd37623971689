package dev.mooring.model;

import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.langchain4j.model.output.FinishReason;
import dev.mooring.testing.FakeOpenAiServer;
import dev.mooring.testing.FakeOpenAiServer.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gateway against a real local server speaking OpenAI's streaming format, through LangChain4j's real client. */
class LangChain4jModelGatewayTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private FakeOpenAiServer server;
    private final List<LangChain4jModelGateway> gateways = new ArrayList<>();

    @BeforeEach
    void startServer() {
        server = FakeOpenAiServer.start();
    }

    @AfterEach
    void stopServer() {
        gateways.forEach(LangChain4jModelGateway::close);
        server.close();
    }

    private LangChain4jModelGateway openAi(Duration timeout) {
        return openAi(server.baseUrl(), timeout);
    }

    private LangChain4jModelGateway openAi(String baseUrl, Duration timeout) {
        LangChain4jModelGateway gateway = TestConfigs.gateway(TestConfigs.openAi(baseUrl, timeout),
                TestConfigs.demo(0, 1));
        gateways.add(gateway);
        return gateway;
    }

    private static ModelRequest ask(String text) {
        return new ModelRequest(List.of(), text, null, "chat");
    }

    private static void awaitEnd(RecordingListener listener) {
        await().atMost(WAIT).until(listener::ended);
    }

    @Test
    void streamsDeltasInOrderThenCompletes() {
        server.enqueue(Reply.stream("The", " answer", " is", " 42", "."));
        RecordingListener listener = new RecordingListener();

        openAi(Duration.ofSeconds(5)).stream(ask("What is the answer?"), listener);

        awaitEnd(listener);
        assertEquals(List.of("The", " answer", " is", " 42", "."), listener.deltas);
        assertEquals(1, listener.completions.get());
        assertTrue(listener.errors.isEmpty());
        assertTrue(listener.violations.isEmpty(), listener.violations::toString);
    }

    @Test
    void sendsThePromptWithTheNotebookContext() {
        server.enqueue(Reply.stream("ok"));
        RecordingListener listener = new RecordingListener();
        NotebookContext context = new NotebookContext("analysis.ipynb",
                new NotebookContext.ActiveCell("total = sum(values) / len(values)", null,
                        "ZeroDivisionError: division by zero"), null, List.of());

        openAi(Duration.ofSeconds(5)).stream(
                new ModelRequest(List.of(new HistoryTurn("user", "earlier question"),
                        new HistoryTurn("assistant", "earlier answer")), "Why does it fail?", context, "debug"),
                listener);

        awaitEnd(listener);
        FakeOpenAiServer.RecordedRequest request = server.lastRequest();
        assertEquals("/v1/chat/completions", request.path());
        assertTrue(request.header("content-type").startsWith("application/json"));
        assertTrue(request.body().contains("total = sum(values) / len(values)"), request.body());
        assertTrue(request.body().contains("ZeroDivisionError: division by zero"));
        assertTrue(request.body().contains("earlier answer"));
        assertTrue(request.body().contains("Why does it fail?"));
        assertTrue(request.body().contains("\"gpt-fake\""));
    }

    @Test
    void unauthorizedEndsWithNonRetryableModelError() {
        server.enqueue(Reply.error(401));
        RecordingListener listener = new RecordingListener();

        openAi(Duration.ofSeconds(5)).stream(ask("hi"), listener);

        awaitEnd(listener);
        ModelError error = listener.error();
        assertFalse(error.retryable());
        assertTrue(error.message().contains("CHAT_MODEL_API_KEY"), error.message());
        assertFalse(error.message().contains("sk-fake"), "the provider's echo of the key stays out");
        assertTrue(listener.deltas.isEmpty());
        assertEquals(1, listener.terminalCount());
    }

    @Test
    void unknownModelNamesTheModelSetting() {
        server.enqueue(Reply.error(404));
        RecordingListener listener = new RecordingListener();

        openAi(Duration.ofSeconds(5)).stream(ask("hi"), listener);

        awaitEnd(listener);
        assertFalse(listener.error().retryable());
        assertTrue(listener.error().message().contains("CHAT_MODEL_NAME"), listener.error().message());
        assertTrue(listener.error().message().contains("gpt-fake"));
    }

    @Test
    void badRequestIsNotRetryableAndSaysWhatTheProviderSaid() {
        server.enqueue(Reply.error(400, "{\"error\":{\"message\":\"max_tokens is too large\",\"type\":"
                + "\"invalid_request_error\"}}"));
        RecordingListener listener = new RecordingListener();

        openAi(Duration.ofSeconds(5)).stream(ask("hi"), listener);

        awaitEnd(listener);
        assertFalse(listener.error().retryable());
        assertTrue(listener.error().message().contains("max_tokens is too large"), listener.error().message());
    }

    @Test
    void rateLimitedIsRetryable() {
        server.enqueue(Reply.error(429));
        RecordingListener listener = new RecordingListener();

        openAi(Duration.ofSeconds(5)).stream(ask("hi"), listener);

        awaitEnd(listener);
        assertTrue(listener.error().retryable());
        assertTrue(listener.error().message().contains("429"), listener.error().message());
    }

    @Test
    void exhaustedQuotaIsNotRetryable() {
        server.enqueue(Reply.error(429, "{\"error\":{\"message\":\"You exceeded your current quota, please check "
                + "your plan and billing details.\",\"type\":\"insufficient_quota\",\"code\":\"insufficient_quota\"}}"));
        RecordingListener listener = new RecordingListener();

        openAi(Duration.ofSeconds(5)).stream(ask("hi"), listener);

        awaitEnd(listener);
        assertFalse(listener.error().retryable());
        assertTrue(listener.error().message().contains("quota"), listener.error().message());
    }

    @Test
    void serverErrorIsRetryable() {
        server.enqueue(Reply.error(500));
        RecordingListener listener = new RecordingListener();

        openAi(Duration.ofSeconds(5)).stream(ask("hi"), listener);

        awaitEnd(listener);
        assertTrue(listener.error().retryable());
        assertTrue(listener.error().message().contains("500"), listener.error().message());
    }

    /**
     * LangChain4j 1.18 reports a connection closed in the middle of the body as onError(IOException "closed") and
     * then, for the same stream, onCompleteResponse with the truncated text and no finish reason. The gateway
     * passes on only the error. (The JDK client may also drop bytes that arrived just before the cut, so the test
     * lets the client take the first deltas before it cuts.)
     */
    @Test
    void streamCutHalfwayEndsAsRetryableError() throws InterruptedException {
        Reply reply = server.enqueue(Reply.stream("one", " two", " three", " four").cutAfter(2).gated());
        RecordingListener listener = new RecordingListener();

        openAi(Duration.ofSeconds(5)).stream(ask("count"), listener);
        assertTrue(reply.awaitStarted(WAIT));
        reply.release(2);
        await().atMost(WAIT).until(() -> listener.deltas.size() == 2);
        reply.release(1);

        awaitEnd(listener);
        assertEquals(List.of("one", " two"), listener.deltas);
        assertEquals(0, listener.completions.get());
        ModelError error = listener.error();
        assertTrue(error.retryable());
        assertTrue(error.message().contains("stopped before the answer was complete"), error.message());
        assertEquals(2, reply.deltasSent());
        await().during(Duration.ofMillis(200)).atMost(WAIT).until(() -> listener.terminalCount() == 1);
        assertTrue(listener.violations.isEmpty(), listener.violations::toString);
    }

    /**
     * A body that ends properly but without a finish_reason or [DONE] reaches LangChain4j 1.18 as a normal
     * completion (no finish reason, truncated text); the gateway turns it into a retryable error.
     */
    @Test
    void streamEndedWithoutFinishReasonEndsAsRetryableError() {
        server.enqueue(Reply.stream("one", " two", " three").endEarlyAfter(1));
        RecordingListener listener = new RecordingListener();

        openAi(Duration.ofSeconds(5)).stream(ask("count"), listener);

        awaitEnd(listener);
        assertEquals(List.of("one"), listener.deltas);
        assertEquals(0, listener.completions.get());
        assertTrue(listener.error().retryable());
        assertTrue(listener.error().message().contains("stopped before the answer was complete"));
    }

    @Test
    void lengthFinishReasonCompletes() {
        server.enqueue(Reply.stream("cut by", " max tokens").finishReason("length"));
        RecordingListener listener = new RecordingListener();

        openAi(Duration.ofSeconds(5)).stream(ask("long"), listener);

        awaitEnd(listener);
        assertEquals(1, listener.completions.get());
    }

    @Test
    void unansweredRequestTimesOut() {
        Reply reply = server.enqueue(Reply.hang());
        RecordingListener listener = new RecordingListener();

        openAi(Duration.ofMillis(500)).stream(ask("hello?"), listener);

        awaitEnd(listener);
        ModelError error = listener.error();
        assertTrue(error.retryable());
        assertTrue(error.message().contains("CHAT_MODEL_TIMEOUT"), error.message());
        assertTrue(error.message().contains("500 ms"), error.message());
        await().atMost(WAIT).until(reply::clientClosed);
    }

    /** After the response headers the JDK client's timeout no longer applies; the gateway's idle watchdog does. */
    @Test
    void streamThatGoesSilentTimesOut() throws InterruptedException {
        Reply reply = server.enqueue(Reply.stream("first", " second").gated());
        RecordingListener listener = new RecordingListener();

        openAi(Duration.ofMillis(500)).stream(ask("hello?"), listener);
        assertTrue(reply.awaitStarted(WAIT));
        reply.release(1);

        awaitEnd(listener);
        assertEquals(List.of("first"), listener.deltas);
        assertTrue(listener.error().retryable());
        assertTrue(listener.error().message().contains("CHAT_MODEL_TIMEOUT"), listener.error().message());
        assertTrue(reply.awaitClientClosed(WAIT), "the silent stream's connection is closed");
    }

    @Test
    void refusedConnectionIsRetryableAndNamesTheUrl() throws IOException {
        int freePort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            freePort = socket.getLocalPort();
        }
        String baseUrl = "http://127.0.0.1:" + freePort + "/v1";
        RecordingListener listener = new RecordingListener();

        openAi(baseUrl, Duration.ofSeconds(5)).stream(ask("anyone?"), listener);

        awaitEnd(listener);
        ModelError error = listener.error();
        assertTrue(error.retryable());
        assertTrue(error.message().contains(baseUrl), error.message());
        assertTrue(error.message().contains("unreachable"), error.message());
    }

    @Test
    void cancelStopsStreamAndFiresNoCallback() throws InterruptedException {
        Reply reply = server.enqueue(Reply.stream("a", "b", "c", "d", "e").gated());
        RecordingListener listener = new RecordingListener();

        ModelStream stream = openAi(Duration.ofSeconds(5)).stream(ask("letters"), listener);
        assertTrue(reply.awaitStarted(WAIT));
        reply.release(2);
        await().atMost(WAIT).until(() -> listener.deltas.size() == 2);
        stream.cancel();

        assertTrue(reply.awaitClientClosed(WAIT), "the server sees the client close the connection");
        reply.releaseAll();
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> listener.callCount() == 2);
        assertEquals(List.of("a", "b"), listener.deltas);
        assertFalse(reply.complete());
    }

    /** LangChain4j hands out its cancel handle with the first partial response only; cancel waits for it. */
    @Test
    void cancelBeforeFirstDeltaStopsStreamOnItsFirstDelta() throws InterruptedException {
        Reply reply = server.enqueue(Reply.stream("a", "b", "c").gated());
        RecordingListener listener = new RecordingListener();

        ModelStream stream = openAi(Duration.ofSeconds(5)).stream(ask("letters"), listener);
        assertTrue(reply.awaitStarted(WAIT));
        stream.cancel();
        reply.release(1);

        assertTrue(reply.awaitClientClosed(WAIT));
        reply.releaseAll();
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> listener.callCount() == 0);
    }

    @Test
    void consecutiveStreamsEachGetTheirOwnAnswer() {
        LangChain4jModelGateway gateway = openAi(Duration.ofSeconds(5));
        server.enqueue(Reply.stream("first"));
        server.enqueue(Reply.stream("second"));
        RecordingListener one = new RecordingListener();
        RecordingListener two = new RecordingListener();

        gateway.stream(ask("1"), one);
        awaitEnd(one);
        gateway.stream(ask("2"), two);
        awaitEnd(two);

        assertEquals("first", one.text());
        assertEquals("second", two.text());
        assertEquals(2, server.requestCount());
    }

    @Test
    void providerThrowingSynchronouslyEndsWithError() {
        StreamingChatModel throwing = new StreamingChatModel() {
            @Override
            public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
                throw new RateLimitException("slow down");
            }
        };
        RecordingListener listener = new RecordingListener();

        ModelStream stream = gateway(throwing, Duration.ZERO).stream(ask("hi"), listener);

        awaitEnd(listener);
        assertTrue(listener.error().retryable());
        stream.cancel();
        assertEquals(1, listener.callCount());
    }

    @Test
    void errorThenCompletionDeliversOnlyTheError() {
        StreamingChatModel brokenTwice = new StreamingChatModel() {
            @Override
            public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
                handler.onPartialResponse(new PartialResponse("par"), new PartialResponseContext(new NoHandle()));
                handler.onError(new IOException("closed"));
                handler.onCompleteResponse(ChatResponse.builder()
                        .aiMessage(dev.langchain4j.data.message.AiMessage.from("par"))
                        .finishReason(FinishReason.STOP).build());
                handler.onPartialResponse(new PartialResponse("tial"), new PartialResponseContext(new NoHandle()));
            }
        };
        RecordingListener listener = new RecordingListener();

        gateway(brokenTwice, Duration.ZERO).stream(ask("hi"), listener);

        awaitEnd(listener);
        assertEquals(List.of("par"), listener.deltas);
        assertEquals(1, listener.terminalCount());
        assertTrue(listener.error().retryable());
        assertTrue(listener.violations.isEmpty(), listener.violations::toString);
    }

    @Test
    void callbacksFromManyThreadsAreDeliveredOneAtATime() throws InterruptedException {
        int threads = 4;
        int perThread = 2_000;
        CountDownLatch done = new CountDownLatch(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        StreamingChatModel noisy = new StreamingChatModel() {
            @Override
            public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
                PartialResponseContext context = new PartialResponseContext(new NoHandle());
                for (int t = 0; t < threads; t++) {
                    pool.execute(() -> {
                        for (int i = 0; i < perThread; i++) {
                            handler.onPartialResponse(new PartialResponse("x"), context);
                        }
                        done.countDown();
                    });
                }
            }
        };
        RecordingListener listener = new RecordingListener();
        try {
            gateway(noisy, Duration.ZERO).stream(ask("hi"), listener);
            assertTrue(done.await(WAIT.toSeconds(), TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
        assertEquals(threads * perThread, listener.deltas.size());
        assertTrue(listener.violations.isEmpty(), listener.violations::toString);
    }

    @Test
    void listenerFailureEndsTheStreamOnce() {
        server.enqueue(Reply.stream("a", "b", "c"));
        RecordingListener recorder = new RecordingListener();
        ModelStreamListener failing = new ModelStreamListener() {
            @Override
            public void onDelta(String delta) {
                recorder.onDelta(delta);
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void onComplete(List<ToolCall> calls) {
                recorder.onComplete(calls);
            }

            @Override
            public void onError(ModelError error) {
                recorder.onError(error);
            }
        };

        openAi(Duration.ofSeconds(5)).stream(ask("hi"), failing);

        awaitEnd(recorder);
        assertEquals(List.of("a"), recorder.deltas);
        assertFalse(recorder.error().retryable());
        await().during(Duration.ofMillis(200)).atMost(WAIT).until(() -> recorder.callCount() == 2);
    }

    @Test
    void emptyPartialsAreNotDelivered() {
        StreamingChatModel withEmpties = new StreamingChatModel() {
            @Override
            public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
                PartialResponseContext context = new PartialResponseContext(new NoHandle());
                handler.onPartialResponse("");
                handler.onPartialResponse(new PartialResponse("text"), context);
                handler.onCompleteResponse(ChatResponse.builder()
                        .aiMessage(dev.langchain4j.data.message.AiMessage.from("text"))
                        .finishReason(FinishReason.STOP).build());
            }
        };
        RecordingListener listener = new RecordingListener();

        gateway(withEmpties, Duration.ZERO).stream(ask("hi"), listener);

        awaitEnd(listener);
        assertEquals(List.of("text"), listener.deltas);
        assertEquals(1, listener.completions.get());
        assertNull(listener.error());
    }

    /**
     * LangChain4j's JDK client reads the whole stream on the thread that called {@code chat} when the response
     * headers arrive first. The gateway must return at once anyway, and a cancel from its caller must still stop the
     * provider: otherwise a connection's cancel frame waits behind the answer it should stop.
     */
    @Test
    void aProviderReadingTheStreamOnTheCallingThreadDoesNotHoldTheCaller() throws InterruptedException {
        CountDownLatch callerReturned = new CountDownLatch(1);
        AtomicBoolean callerWasFree = new AtomicBoolean();
        NoHandle handle = new NoHandle();
        StreamingChatModel readsInline = new StreamingChatModel() {
            @Override
            public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
                PartialResponseContext context = new PartialResponseContext(handle);
                handler.onPartialResponse(new PartialResponse("a"), context);
                try {
                    callerWasFree.set(callerReturned.await(WAIT.toSeconds(), TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                handler.onPartialResponse(new PartialResponse("b"), context);
                handler.onCompleteResponse(ChatResponse.builder()
                        .aiMessage(dev.langchain4j.data.message.AiMessage.from("ab"))
                        .finishReason(FinishReason.STOP).build());
            }
        };
        RecordingListener listener = new RecordingListener();

        ModelStream stream = gateway(readsInline, Duration.ZERO).stream(ask("hi"), listener);
        await().atMost(WAIT).until(() -> listener.deltas.size() == 1);
        stream.cancel();
        callerReturned.countDown();

        await().atMost(WAIT).until(handle::isCancelled);
        assertTrue(callerWasFree.get(), "stream() must return while the provider still streams");
        assertEquals(List.of("a"), listener.deltas, "nothing reaches the listener after cancel");
        assertEquals(0, listener.terminalCount(), "cancel leaves the end state to the caller");
    }

    /**
     * Model calls start on a bounded pool: with its threads busy and its queue full, a call fails at once with a
     * retryable "busy" error instead of waiting (or starting a thread) without bound.
     */
    @Test
    void aCallBeyondTheBusyThreadsAndTheFullQueueFailsAtOnceAsBusy() {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        StreamingChatModel holdsItsThread = new StreamingChatModel() {
            @Override
            public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
                entered.countDown();
                try {
                    release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                handler.onPartialResponse("ok");
                handler.onCompleteResponse(ChatResponse.builder()
                        .aiMessage(dev.langchain4j.data.message.AiMessage.from("ok"))
                        .finishReason(FinishReason.STOP).build());
            }
        };
        LangChain4jModelGateway gateway = gateway(holdsItsThread, Duration.ZERO, 1, 1);
        RecordingListener running = new RecordingListener();
        RecordingListener queued = new RecordingListener();
        RecordingListener refused = new RecordingListener();

        gateway.stream(ask("first"), running);
        await().atMost(WAIT).until(() -> entered.getCount() == 0);
        gateway.stream(ask("second"), queued);
        gateway.stream(ask("third"), refused);

        awaitEnd(refused);
        assertTrue(refused.error().busy(), refused.errors::toString);
        assertTrue(refused.error().retryable());
        assertFalse(queued.ended(), "the queued call waits for the thread");
        release.countDown();
        awaitEnd(running);
        awaitEnd(queued);
        assertEquals(List.of("ok"), queued.deltas);
        assertEquals(1, queued.completions.get());
    }

    private LangChain4jModelGateway gateway(StreamingChatModel model, Duration idleTimeout) {
        return gateway(model, idleTimeout, 4, 16);
    }

    private LangChain4jModelGateway gateway(StreamingChatModel model, Duration idleTimeout, int threads, int queue) {
        LangChain4jModelGateway gateway = new LangChain4jModelGateway(model, new ModelInfo("test", "test", false),
                TestConfigs.prompts(), new ModelErrorClassifier("http://test", "test", Duration.ofSeconds(1)), true,
                idleTimeout, new ModelCallLimits(threads, queue));
        gateways.add(gateway);
        return gateway;
    }

    private static final class NoHandle implements StreamingHandle {
        private final AtomicBoolean cancelled = new AtomicBoolean();

        @Override
        public void cancel() {
            cancelled.set(true);
        }

        @Override
        public boolean isCancelled() {
            return cancelled.get();
        }
    }
}

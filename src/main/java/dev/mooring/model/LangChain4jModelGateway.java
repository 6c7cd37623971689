package dev.mooring.model;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.PartialToolCallContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The {@link ChatModelGateway} over a LangChain4j {@link StreamingChatModel} (a real provider or the demo model).
 *
 * <p>It adds what LangChain4j 1.18 leaves to its caller: callbacks are delivered one at a time and end with exactly
 * one terminal callback (LangChain4j may report an error and then a completion for the same broken stream); a
 * completion without a finish reason is reported as an incomplete stream where the provider always sends one; a
 * stream from which nothing arrives for the idle timeout ends with a retryable error (the JDK client's timeout only
 * covers the wait for the response headers); and {@link ModelStream#cancel()} stops the provider's stream through
 * LangChain4j's {@link StreamingHandle}, which is only handed out with a partial response.
 *
 * <p>The provider is never called on the caller's thread. LangChain4j's JDK client reads the stream in a
 * {@code thenAccept} on the response future: when the response headers arrive before that stage is attached, the
 * whole stream is read on the thread that called {@code chat}. Called from a connection's frame handler, that would
 * hold the connection's later frames (a cancel among them) until the answer ended.
 */
public final class LangChain4jModelGateway implements ChatModelGateway, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LangChain4jModelGateway.class);

    private final StreamingChatModel model;
    private final ModelInfo info;
    private final ModelPrompt prompts;
    private final ModelErrorClassifier errors;
    private final boolean finishReasonRequired;
    private final long idleTimeoutNanos;
    private final ScheduledExecutorService watchdog;
    /**
     * Starts provider calls: bounded threads and a bounded queue; a thread is busy only as long as the provider's
     * {@code chat} runs on it. A call it cannot take ends at once as {@linkplain ModelError#noRoom() busy}.
     */
    private final ExecutorService starter;
    private final Set<Call> running = ConcurrentHashMap.newKeySet();
    /** When another model replaced this one ({@link #retire()}); 0 while it is in use. */
    private volatile long retiredAt;

    /**
     * @param finishReasonRequired whether a completion without a finish reason means the stream was cut (true for
     *                             providers that always send one, such as OpenAI, Anthropic and the demo model)
     * @param idleTimeout          longest silence of a started stream before it fails; null or zero: no limit
     * @param calls                how many calls start at once, and how many may wait
     */
    public LangChain4jModelGateway(StreamingChatModel model, ModelInfo info, ModelPrompt prompts,
            ModelErrorClassifier errors, boolean finishReasonRequired, Duration idleTimeout, ModelCallLimits calls) {
        this.starter = calls.executor();
        this.model = model;
        this.info = info;
        this.prompts = prompts;
        this.errors = errors;
        this.finishReasonRequired = finishReasonRequired;
        if (idleTimeout == null || idleTimeout.isZero() || idleTimeout.isNegative()) {
            this.idleTimeoutNanos = 0;
            this.watchdog = null;
        } else {
            this.idleTimeoutNanos = idleTimeout.toNanos();
            // one sweep for all running streams, a few times per timeout, rather than a timer per stream
            long period = Math.max(10, Math.min(1000, idleTimeout.toMillis() / 4));
            this.watchdog = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("model-stream-watchdog"));
            watchdog.scheduleAtFixedRate(this::expireIdleStreams, period, period, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public ModelStream stream(ModelRequest request, ModelStreamListener listener) {
        Call call = new Call(listener);
        if (watchdog != null) {
            running.add(call);
        }
        ChatRequest chatRequest;
        try {
            ChatRequest.Builder builder = ChatRequest.builder().messages(prompts.build(request));
            if (request.agent()) {
                builder.toolSpecifications(NotebookTools.SPECIFICATIONS);
            }
            chatRequest = builder.build();
        } catch (RuntimeException e) {
            call.fail(e);
            return call;
        }
        try {
            starter.execute(() -> call.start(chatRequest));
        } catch (RejectedExecutionException e) {
            LOG.warn("Model call refused: every model-call thread is busy and the queue is full");
            call.end(ModelError.noRoom(), false);
        }
        return call;
    }

    /**
     * Another model takes the next questions: once this one's running streams have ended, and at least one idle
     * timeout after the switch (so that a call that read the old model just before it still starts), the watchdog
     * stops. Until then nothing changes for the streams it runs.
     */
    void retire() {
        retiredAt = System.nanoTime();
    }

    /** Stops the idle watchdog and takes no new call; running streams are not touched. */
    @Override
    public void close() {
        starter.shutdown();
        if (watchdog != null) {
            watchdog.shutdownNow();
        }
    }

    private void expireIdleStreams() {
        long now = System.nanoTime();
        long retired = retiredAt;
        if (retired != 0 && running.isEmpty() && now - retired > idleTimeoutNanos) {
            close();
            return;
        }
        for (Call call : running) {
            if (now - call.lastActivity > idleTimeoutNanos) {
                LOG.warnf("Model stream idle for longer than %d ms; ending it", idleTimeoutNanos / 1_000_000);
                call.end(errors.idleTimeout(), true);
            }
        }
    }

    /** One model call: LangChain4j's handler on one side, the service's listener and stream on the other. */
    private final class Call implements StreamingChatResponseHandler, ModelStream {

        private final ModelStreamListener listener;
        /** Set once nothing more may reach the listener: cancelled, or a terminal callback was delivered. */
        private volatile boolean halted;
        private volatile StreamingHandle handle;
        private volatile long lastActivity = System.nanoTime();

        Call(ModelStreamListener listener) {
            this.listener = listener;
        }

        void start(ChatRequest request) {
            if (halted) {
                return; // cancelled before the provider was called
            }
            try {
                model.chat(request, this);
            } catch (RuntimeException e) {
                fail(e);
            }
        }

        @Override
        public void onPartialResponse(PartialResponse partialResponse, PartialResponseContext context) {
            if (handle == null && context != null) {
                handle = context.streamingHandle();
            }
            deliver(partialResponse.text());
        }

        @Override
        public void onPartialResponse(String partialResponse) {
            // only reached from providers that hand out no StreamingHandle
            deliver(partialResponse);
        }

        @Override
        public void onPartialThinking(PartialThinking partialThinking, PartialThinkingContext context) {
            if (handle == null && context != null) {
                handle = context.streamingHandle();
            }
            touch();
        }

        @Override
        public void onPartialToolCall(PartialToolCall partialToolCall, PartialToolCallContext context) {
            // a tool call's arguments stream like text: the call is delivered whole with the response
            if (handle == null && context != null) {
                handle = context.streamingHandle();
            }
            touch();
        }

        @Override
        public void onCompleteToolCall(CompleteToolCall completeToolCall) {
            touch();
        }

        @Override
        public void onUnmappedRawEvent(Object rawEvent) {
            // role-only chunks, usage chunks, hidden reasoning: not text, but proof that the stream is alive
            touch();
        }

        @Override
        public void onCompleteResponse(ChatResponse response) {
            if (finishReasonRequired && (response == null || response.finishReason() == null)) {
                LOG.warn("Model stream ended without a finish reason: the answer is incomplete");
                end(errors.incompleteStream(), true);
            } else {
                end(null, toolCalls(response), false);
            }
        }

        @Override
        public void onError(Throwable error) {
            fail(error);
        }

        @Override
        public void cancel() {
            halted = true;
            running.remove(this);
            stopProvider();
        }

        private void deliver(String text) {
            lastActivity = System.nanoTime();
            if (halted) {
                // cancelled before the handle was known, or ended by this gateway: stop the provider now
                stopProvider();
                return;
            }
            if (text == null || text.isEmpty()) {
                return;
            }
            synchronized (this) {
                if (halted) {
                    return;
                }
                try {
                    listener.onDelta(text);
                } catch (RuntimeException e) {
                    LOG.error("The model stream's listener failed on a delta; ending the stream", e);
                    end(new ModelError("The service failed while handling the model's answer.", false), true);
                }
            }
        }

        private void touch() {
            lastActivity = System.nanoTime();
            if (halted) {
                stopProvider();
            }
        }

        void fail(Throwable failure) {
            if (halted) {
                return;
            }
            ModelError error = errors.classify(failure);
            LOG.warnf("Model call failed: %s", error.message());
            LOG.debug("Model call failure", failure);
            end(error, true);
        }

        void end(ModelError error, boolean stopProvider) {
            end(error, List.of(), stopProvider);
        }

        /** Delivers the one terminal callback: completion, with its tool calls, when {@code error} is null. */
        void end(ModelError error, List<ToolCall> toolCalls, boolean stopProvider) {
            synchronized (this) {
                if (halted) {
                    return;
                }
                halted = true;
                running.remove(this);
                try {
                    if (error == null) {
                        listener.onComplete(toolCalls);
                    } else {
                        listener.onError(error);
                    }
                } catch (RuntimeException e) {
                    LOG.error("The model stream's listener failed on the end of the stream", e);
                }
            }
            if (stopProvider) {
                stopProvider();
            }
        }

        private void stopProvider() {
            StreamingHandle current = handle;
            if (current != null && !current.isCancelled()) {
                try {
                    current.cancel();
                } catch (RuntimeException e) {
                    LOG.debug("Cancelling the provider's stream failed", e);
                }
            }
        }
    }

    /**
     * The tool calls of a finished turn, each with an id of the service's own. A provider that gives no id of its
     * own (some Ollama versions) gets one, so that its result can be matched to the call when it is sent back.
     */
    static List<ToolCall> toolCalls(ChatResponse response) {
        if (response == null || response.aiMessage() == null || !response.aiMessage().hasToolExecutionRequests()) {
            return List.of();
        }
        List<ToolCall> calls = new ArrayList<>();
        for (ToolExecutionRequest request : response.aiMessage().toolExecutionRequests()) {
            String id = UUID.randomUUID().toString();
            String providerId = request.id() == null || request.id().isBlank() ? "call_" + id : request.id();
            String arguments = request.arguments() == null || request.arguments().isBlank() ? "{}"
                    : request.arguments();
            calls.add(new ToolCall(id, providerId, request.name(), arguments));
        }
        return List.copyOf(calls);
    }
}

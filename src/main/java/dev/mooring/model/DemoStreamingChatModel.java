package dev.mooring.model;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The offline {@code demo} model: streams a fixed number of chunks at a set pace. Its reply is written from the
 * structured request by {@link #replyTo(ModelRequest)} (it quotes the user's message, names the mode and the
 * notebook, and carries a small Python cell); {@link #PROMPT} hands that reply over as the one message this model
 * is sent, so nothing re-reads prompt text. Offered tools (agent mode), it plays {@link DemoAgentScript}. It
 * behaves like LangChain4j's real streaming models: partial responses with a {@link StreamingHandle} whose
 * {@code cancel()} stops the stream without any further callback, then one complete response with finish reason
 * {@code STOP} (or {@code TOOL_EXECUTION}, with its tool calls).
 */
public final class DemoStreamingChatModel implements StreamingChatModel {

    public static final String MODEL_NAME = "mooring-demo";

    /**
     * The demo's prompt: the reply itself, which the model streams back in pieces; in agent mode, the question and
     * the steps so far, from which {@link DemoAgentScript} plays its next turn.
     */
    public static final ModelPrompt PROMPT = request -> request.agent() ? DemoAgentScript.prompt(request)
            : List.of(UserMessage.from(replyTo(request)));

    /** Chunks emitted in one go when the pace lets several be due, before other streams get the thread. */
    private static final int MAX_BATCH = 64;
    private static final long MAX_PERIOD_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final int MAX_QUOTE_CHARS = 120;

    private final int replyChunks;
    private final long periodNanos;
    private final ScheduledExecutorService scheduler;

    /** A demo model on the shared demo thread. */
    public DemoStreamingChatModel(int replyChunks, double tokensPerSecond) {
        this(replyChunks, tokensPerSecond, SharedScheduler.INSTANCE);
    }

    /**
     * @param replyChunks     chunks per reply (at least 1)
     * @param tokensPerSecond chunks per second; zero, negative or not finite: as fast as possible
     * @param scheduler       the thread(s) that emit every stream's chunks
     */
    public DemoStreamingChatModel(int replyChunks, double tokensPerSecond, ScheduledExecutorService scheduler) {
        this.replyChunks = Math.max(1, replyChunks);
        this.periodNanos = tokensPerSecond > 0 && Double.isFinite(tokensPerSecond)
                ? (long) Math.min(MAX_PERIOD_NANOS, 1e9 / tokensPerSecond)
                : 0;
        this.scheduler = scheduler;
    }

    /**
     * Streams the text of the last message it is sent (see {@link #PROMPT}); offered tools, the next turn of its
     * scripted agent run, its tool calls delivered with the response as real providers do.
     */
    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        List<ChatMessage> messages = request.messages();
        AiMessage reply;
        List<String> chunks;
        if (request.toolSpecifications() != null && !request.toolSpecifications().isEmpty()) {
            reply = DemoAgentScript.next(messages);
            chunks = split(reply.text(), Math.min(replyChunks, wordStarts(reply.text()).size()));
        } else {
            reply = AiMessage.from(messages.isEmpty() ? "" : textOf(messages.get(messages.size() - 1)));
            chunks = split(reply.text(), replyChunks);
        }
        ChatResponse response = ChatResponse.builder()
                .aiMessage(reply)
                .modelName(MODEL_NAME)
                .finishReason(reply.hasToolExecutionRequests() ? FinishReason.TOOL_EXECUTION : FinishReason.STOP)
                .tokenUsage(new TokenUsage(reply.text().length() / 4, chunks.size()))
                .build();
        Run run = new Run(chunks, response, handler);
        run.schedule(0);
    }

    /** The demo's reply to a request; deterministic. */
    static String replyTo(ModelRequest request) {
        String question = request.userText() == null ? "" : request.userText().strip().replaceAll("\\s+", " ");
        if (question.length() > MAX_QUOTE_CHARS) {
            question = question.substring(0, MAX_QUOTE_CHARS) + "...";
        }
        StringBuilder reply = new StringBuilder(1024);
        reply.append("*This is Mooring's offline demo model: no AI provider was called.* Choose a real model in the ")
                .append("panel's **Model** section, or set `CHAT_MODEL_PROVIDER` and `CHAT_MODEL_API_KEY`.\n\n");
        reply.append("You wrote: \"").append(question).append("\"\n\n");
        String mode = request.mode() == null ? "chat" : request.mode();
        reply.append(switch (mode) {
            case "explain" -> "In **explain** mode a real model would walk through the active cell step by step. ";
            case "debug" -> "In **debug** mode a real model would find the cause of the active cell's error and "
                    + "give you a corrected cell. ";
            default -> "In **chat** mode a real model would answer your question about the notebook. ";
        });
        NotebookContext context = request.context();
        String notebook = context == null || context.notebookPath() == null ? "" : context.notebookPath().strip();
        if (!notebook.isEmpty()) {
            reply.append("It would read the notebook context sent with your message (`").append(notebook)
                    .append("`). ");
        } else if (context != null) {
            reply.append("It would read the notebook context sent with your message. ");
        } else {
            reply.append("No notebook context came with this message. ");
        }
        long earlier = request.history() == null ? 0
                : request.history().stream().filter(turn -> turn.text() != null && !turn.text().isBlank()).count();
        if (earlier > 0) {
            reply.append("This conversation has ").append(earlier).append(earlier == 1 ? " earlier message." :
                    " earlier messages.");
        }
        reply.append("\n\nHere is a small cell to try the code actions on:\n\n")
                .append("```python\n")
                .append("import math\n\n")
                .append("radii = [1.0, 2.5, 4.0]\n")
                .append("areas = [round(math.pi * r ** 2, 2) for r in radii]\n")
                .append("print(areas)\n")
                .append("```\n\n")
                .append("Copy it, or insert it into the notebook and run it.");
        return reply.toString();
    }

    /**
     * Splits a text into exactly {@code count} non-empty pieces on word boundaries (their concatenation is the
     * text), padding the text with a note when it has fewer words than pieces.
     */
    static List<String> split(String text, int count) {
        List<Integer> starts = wordStarts(text);
        if (starts.size() < count) {
            StringBuilder padded = new StringBuilder(text).append("\n\n");
            String filler = "(This sentence pads the demo reply to the configured number of chunks.) ";
            int words = starts.size() + wordStarts(filler).size();
            int wordsPerFiller = wordStarts(filler).size();
            padded.append(filler);
            while (words < count) {
                padded.append(filler);
                words += wordsPerFiller;
            }
            text = padded.toString().stripTrailing();
            starts = wordStarts(text);
        }
        int words = starts.size();
        List<String> pieces = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            int from = starts.get((int) ((long) k * words / count));
            int toWord = (int) ((long) (k + 1) * words / count);
            int to = toWord >= words ? text.length() : starts.get(toWord);
            pieces.add(text.substring(from, to));
        }
        return pieces;
    }

    /** Where each word begins; the first begins at 0, so leading space belongs to the first word. */
    private static List<Integer> wordStarts(String text) {
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 1; i < text.length(); i++) {
            if (!Character.isWhitespace(text.charAt(i)) && Character.isWhitespace(text.charAt(i - 1))) {
                starts.add(i);
            }
        }
        return starts;
    }

    private static String textOf(ChatMessage last) {
        if (!(last instanceof UserMessage message)) {
            return "";
        }
        if (message.hasSingleText()) {
            return message.singleText();
        }
        StringBuilder text = new StringBuilder();
        for (Content content : message.contents()) {
            if (content instanceof TextContent part) {
                text.append(part.text());
            }
        }
        return text.toString();
    }

    /** One reply being streamed; also its cancel handle. */
    private final class Run implements Runnable, StreamingHandle {

        private final List<String> chunks;
        private final ChatResponse response;
        private final StreamingChatResponseHandler handler;
        private final PartialResponseContext context = new PartialResponseContext(this);
        private final long startNanos = System.nanoTime();
        /** Only touched by {@link #run()}, whose executions follow one another. */
        private int next;
        private volatile boolean cancelled;
        private volatile ScheduledFuture<?> pending;

        Run(List<String> chunks, ChatResponse response, StreamingChatResponseHandler handler) {
            this.chunks = chunks;
            this.response = response;
            this.handler = handler;
        }

        @Override
        public void run() {
            int emitted = 0;
            while (next < chunks.size()) {
                if (cancelled) {
                    return;
                }
                long wait = startNanos + (next + 1) * periodNanos - System.nanoTime();
                if (wait > 0 || emitted == MAX_BATCH) {
                    schedule(Math.max(0, wait));
                    return;
                }
                PartialResponse partial = new PartialResponse(chunks.get(next++));
                emitted++;
                try {
                    handler.onPartialResponse(partial, context);
                } catch (RuntimeException e) {
                    handler.onError(e);
                    return;
                }
            }
            if (!cancelled) {
                handler.onCompleteResponse(response);
            }
        }

        void schedule(long delayNanos) {
            pending = scheduler.schedule(this, delayNanos, TimeUnit.NANOSECONDS);
            if (cancelled) {
                pending.cancel(false);
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
            ScheduledFuture<?> scheduled = pending;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }
    }

    /** One daemon thread for every demo stream of the process. */
    private static final class SharedScheduler {
        static final ScheduledExecutorService INSTANCE = create();

        private static ScheduledExecutorService create() {
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("demo-model"));
            executor.setRemoveOnCancelPolicy(true);
            return executor;
        }
    }
}

package dev.mooring.conversation;

import dev.mooring.completion.Chunk;
import dev.mooring.completion.CompletionEnd;
import dev.mooring.completion.CompletionService;
import dev.mooring.completion.CompletionStatus;
import dev.mooring.completion.Subscriber;
import dev.mooring.completion.ToolEvent;
import dev.mooring.model.ChatModelGateway;
import dev.mooring.model.ModelRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;

/**
 * Has a real model name a new conversation once its first answer is complete (one short call off the answer's
 * path), unless the user renamed it meanwhile. The demo model names none: the summary it started with stays.
 */
@ApplicationScoped
class ConversationNamer {

    private static final Logger LOG = Logger.getLogger(ConversationNamer.class);
    /** Conversations the model named, that kept a title the user gave meanwhile, or that the model failed to name. */
    static final String TITLES = "mooring.conversation.titles";
    /** The part of the first answer the model reads to name the conversation. */
    private static final int MAX_ANSWER_CHARS = 2000;

    private final CompletionService completions;
    private final ChatModelGateway model;
    private final Executor executor;
    private final MeterRegistry meters;

    ConversationNamer(CompletionService completions, ChatModelGateway model, Executor executor, MeterRegistry meters) {
        this.completions = completions;
        this.model = model;
        this.executor = executor;
        this.meters = meters;
    }

    /** Follows the answer to the first question of a new conversation; once it completed, asks for a title. */
    void nameAfterFirstAnswer(UUID conversationId, UUID completionId, Question first) {
        if (!model.namesConversations()) {
            return;
        }
        String firstTitle = ConversationTitles.summary(first.text(), first.mode(), first.context());
        ModelRequest question = new ModelRequest(List.of(), first.text(), first.context(), first.mode());
        try {
            completions.follow(completionId, first.user(), () -> new FirstAnswer(conversationId, firstTitle, question));
        } catch (RuntimeException e) {
            LOG.warnf("conversation %s keeps its first title: its answer could not be followed (%s)", conversationId,
                    e.getMessage());
        }
    }

    /** Names the conversation unless its title changed since it began; counts the outcome. */
    private void name(UUID conversationId, String firstTitle, ModelRequest question, String answer) {
        String outcome = model.title(question, answer, ConversationTitles.SUMMARY_LENGTH)
                .map(title -> QuarkusTransaction.requiringNew().call(() -> Conversation.update(
                        "title = ?1 where id = ?2 and title = ?3", title, conversationId, firstTitle)) == 1
                        ? "named" : "kept")
                .orElse("failed");
        meters.counter(TITLES, "outcome", outcome).increment();
    }

    /** Gathers the start of the first answer and, when it completed, names the conversation on a worker. */
    private final class FirstAnswer implements Subscriber {

        private final UUID conversationId;
        private final String firstTitle;
        private final ModelRequest question;
        private final StringBuilder answer = new StringBuilder();

        FirstAnswer(UUID conversationId, String firstTitle, ModelRequest question) {
            this.conversationId = conversationId;
            this.firstTitle = firstTitle;
            this.question = question;
        }

        @Override
        public void chunk(Chunk chunk) {
            if (answer.length() < MAX_ANSWER_CHARS) {
                answer.append(chunk.delta(), 0, Math.min(chunk.delta().length(), MAX_ANSWER_CHARS - answer.length()));
            }
        }

        /** A title is made from the answer's text: tool calls and results add nothing to it. */
        @Override
        public void toolEvent(ToolEvent event) {
        }

        @Override
        public void end(CompletionEnd end) {
            if (end.status() != CompletionStatus.COMPLETED) {
                return;
            }
            String text = answer.toString();
            executor.execute(() -> {
                try {
                    name(conversationId, firstTitle, question, text);
                } catch (RuntimeException e) {
                    meters.counter(TITLES, "outcome", "failed").increment();
                    LOG.warnf("conversation %s keeps its first title: %s", conversationId, e.toString());
                }
            });
        }
    }
}

package dev.mooring.conversation;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.api.Ids;
import dev.mooring.completion.CompletionService;
import dev.mooring.completion.CompletionSummary;
import dev.mooring.model.HistoryTurn;
import dev.mooring.model.ModelRequest;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Stores conversations and messages, and accepts each question exactly once, with the completion that answers it. */
@ApplicationScoped
public class ConversationService {

    private static final int HISTORY_MESSAGES = 40;

    private final CompletionService completions;
    private final ConversationNamer namer;
    private final StoredContext contexts;
    private final Event<ConversationDeleted> deletions;

    public ConversationService(CompletionService completions, ConversationNamer namer, ObjectMapper mapper,
                               Event<ConversationDeleted> deletions) {
        this.completions = completions;
        this.namer = namer;
        this.contexts = new StoredContext(mapper);
        this.deletions = deletions;
    }

    /**
     * Checks that a conversation of {@code user} exists.
     *
     * @throws dev.mooring.api.ApiException not_found when it does not, or is another user's
     */
    public void requireExists(UUID id, String user) {
        if (QuarkusTransaction.requiringNew().call(() -> Conversation.ofUser(id, user)) == null) {
            throw Ids.unknown("conversation", id);
        }
    }

    /**
     * Stores the question, its conversation (if new), the assistant message and the running completion that writes
     * it, all in one transaction; the completion starts once that commits. A {@code clientMessageId} the same user
     * sent before, on any connection and any node, answers the original ids instead: the unique key settles two that
     * race.
     *
     * @throws dev.mooring.api.ApiException not_found for an unknown conversation, or another user's
     */
    public Acceptance accept(Question question) {
        Acceptance earlier = QuarkusTransaction.requiringNew().call(() -> findDuplicate(question.user(), question.clientMessageId()));
        if (earlier != null) {
            return earlier;
        }
        try {
            Acceptance accepted = QuarkusTransaction.requiringNew().call(() -> store(question));
            if (question.conversationId() == null) {
                namer.nameAfterFirstAnswer(accepted.conversationId(), accepted.completionId(), question);
            }
            return accepted;
        } catch (PersistenceException e) {
            Acceptance raced = QuarkusTransaction.requiringNew().call(() -> findDuplicate(question.user(), question.clientMessageId()));
            if (raced != null) {
                return raced;
            }
            throw e;
        }
    }

    private Acceptance findDuplicate(String ownerUser, String clientMessageId) {
        Message user = Message.find("ownerUser = ?1 and clientMessageId = ?2", ownerUser, clientMessageId)
                .firstResult();
        if (user == null) {
            return null;
        }
        CompletionSummary completion = completions.findByRequest(user.id).orElseThrow(() ->
                new IllegalStateException("message " + user.id + " has no completion"));
        return new Acceptance(user.conversationId, user.id, completion.messageId(), completion.id(), true);
    }

    private Acceptance store(Question question) {
        Instant now = Instant.now();
        Conversation conversation;
        List<HistoryTurn> history;
        if (question.conversationId() == null) {
            conversation = Conversation.start(question, now);
            history = List.of();
        } else {
            conversation = Conversation.ofUser(question.conversationId(), question.user());
            if (conversation == null) {
                throw Ids.unknown("conversation", question.conversationId());
            }
            conversation.updatedAt = now;
            history = history(conversation.id);
        }
        Message user = Message.user(conversation.id, question, contexts.write(question.context()), now);
        Message assistant = Message.assistant(conversation.id, question.user(), now);
        Message.flush(); // the completion row refers to both messages, and a raced clientMessageId fails here
        UUID completionId = completions.begin(conversation.id, user.id, assistant.id, question.user(),
                new ModelRequest(history, question.text(), question.context(), question.mode()));
        return new Acceptance(conversation.id, user.id, assistant.id, completionId, false);
    }

    /** The conversation's latest turns, oldest first; an assistant turn's text is its completion's stored text. */
    private List<HistoryTurn> history(UUID conversationId) {
        List<Message> messages = Message.find("conversationId = ?1 order by ordinal desc", conversationId)
                .page(0, HISTORY_MESSAGES).list();
        Map<UUID, CompletionSummary> answers = answersOf(conversationId);
        List<HistoryTurn> turns = new ArrayList<>(messages.size());
        for (Message m : messages) {
            String text = textOf(m, answers);
            if (text != null && !text.isEmpty()) {
                turns.add(new HistoryTurn(m.role, text));
            }
        }
        Collections.reverse(turns);
        return turns;
    }

    /** The conversations of {@code user}, or its ones started from {@code notebook} when one is given, newest first. */
    @Transactional
    public List<ConversationViews.Summary> list(String user, Optional<String> notebook) {
        String order = "order by updatedAt desc, createdAt desc";
        List<Conversation> found = notebook.filter(path -> !path.isBlank())
                .map(path -> Conversation.<Conversation>list("ownerUser = ?1 and notebookPath = ?2 " + order,
                        user, path))
                .orElseGet(() -> Conversation.list("ownerUser = ?1 " + order, user));
        return found.stream().map(ConversationViews::summary).toList();
    }

    /**
     * Gives a conversation of {@code user} the user's title.
     *
     * @throws dev.mooring.api.ApiException bad_request for a blank title, one over 200 characters or with control
     *                                      characters; not_found for an unknown conversation, or another user's
     */
    @Transactional
    public ConversationViews.Summary rename(UUID id, String user, String title) {
        String validated = ConversationTitles.validated(title);
        Conversation conversation = Conversation.ofUser(id, user);
        if (conversation == null) {
            throw Ids.unknown("conversation", id);
        }
        conversation.title = validated;
        return ConversationViews.summary(conversation);
    }

    /** One conversation of {@code user} with its messages; another user's reads as unknown. */
    @Transactional
    public ConversationViews.Detail get(UUID id, String user) {
        Conversation conversation = Conversation.ofUser(id, user);
        if (conversation == null) {
            throw Ids.unknown("conversation", id);
        }
        Map<UUID, CompletionSummary> answers = answersOf(id);
        List<Message> messages = Message.list("conversationId = ?1 order by ordinal", id);
        List<ConversationViews.MessageView> views = new ArrayList<>(messages.size());
        for (Message m : messages) {
            CompletionSummary c = answers.get(m.id);
            views.add(new ConversationViews.MessageView(m.id, m.role, textOf(m, answers), m.mode, m.createdAt,
                    contexts.read(m.context),
                    c == null ? null : new ConversationViews.CompletionRef(c.id(), c.status().label(), c.lastSeq())));
        }
        return new ConversationViews.Detail(conversation.id, conversation.title, conversation.notebookPath,
                conversation.createdAt, conversation.updatedAt, views);
    }

    /**
     * Deletes a conversation of {@code user} with its messages and completions, cancelling its running answers first;
     * once the rows are gone, fires {@link ConversationDeleted}.
     */
    public void delete(UUID id, String user) {
        requireExists(id, user);
        completions.cancelAll(id);
        // the completion rows go with their messages (ON DELETE CASCADE)
        QuarkusTransaction.requiringNew().run(() -> {
            Message.delete("conversationId", id);
            Conversation.deleteById(id);
        });
        deletions.fire(new ConversationDeleted(id));
    }

    /** The conversation's completions by the assistant message each writes. */
    private Map<UUID, CompletionSummary> answersOf(UUID conversationId) {
        return completions.listByConversation(conversationId).stream()
                .collect(Collectors.toMap(CompletionSummary::messageId, Function.identity()));
    }

    private static String textOf(Message m, Map<UUID, CompletionSummary> answers) {
        if (Message.ASSISTANT.equals(m.role)) {
            CompletionSummary c = answers.get(m.id);
            return c == null ? m.text : c.text();
        }
        return m.text;
    }
}

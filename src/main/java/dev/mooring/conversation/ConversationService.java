package dev.mooring.conversation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.api.ApiException;
import dev.mooring.chat.ClientFrame;
import dev.mooring.completion.CompletionStatus;
import dev.mooring.config.ChatConfig;
import dev.mooring.model.HistoryTurn;
import dev.mooring.model.ModelRequest;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Stores conversations and messages, and turns a {@code chat} frame into an accepted completion exactly once. */
@ApplicationScoped
public class ConversationService {

    private static final int HISTORY_MESSAGES = 40;
    private static final int TITLE_LENGTH = 80;

    private final ObjectMapper mapper;
    private final String node;
    private final java.time.Duration lease;

    public ConversationService(ObjectMapper mapper, ChatConfig config) {
        this.mapper = mapper;
        this.node = config.nodeName();
        this.lease = config.completions().lease();
    }

    /**
     * Stores the user's message, its conversation (if new), the assistant message and a running completion, all in
     * one transaction. A {@code clientMessageId} seen before, on any connection, answers the original ids instead.
     */
    public Acceptance accept(ClientFrame.Chat chat) {
        Acceptance earlier = QuarkusTransaction.requiringNew().call(() -> findDuplicate(chat.clientMessageId()));
        if (earlier != null) {
            return earlier;
        }
        try {
            return QuarkusTransaction.requiringNew().call(() -> store(chat));
        } catch (PersistenceException e) {
            // Two connections raced with the same clientMessageId: the unique key kept one; answer with it.
            Acceptance raced = QuarkusTransaction.requiringNew().call(() -> findDuplicate(chat.clientMessageId()));
            if (raced != null) {
                return raced;
            }
            throw e;
        }
    }

    private Acceptance findDuplicate(String clientMessageId) {
        Message user = Message.find("clientMessageId", clientMessageId).firstResult();
        if (user == null) {
            return null;
        }
        CompletionRecord completion = CompletionRecord.find("requestMessageId", user.id).firstResult();
        return new Acceptance(user.conversationId, user.id, completion.messageId, completion.id, true, null);
    }

    private Acceptance store(ClientFrame.Chat chat) {
        Instant now = Instant.now();
        Conversation conversation;
        List<HistoryTurn> history;
        if (chat.conversationId() == null) {
            conversation = new Conversation();
            conversation.id = UUID.randomUUID();
            conversation.title = title(chat.text());
            conversation.createdAt = now;
            conversation.updatedAt = now;
            conversation.persist();
            history = List.of();
        } else {
            conversation = Conversation.findById(UUID.fromString(chat.conversationId()));
            if (conversation == null) {
                throw new dev.mooring.chat.FrameException(dev.mooring.api.ErrorCode.NOT_FOUND,
                        "no conversation has the id '" + chat.conversationId() + "'", chat.clientMessageId());
            }
            conversation.updatedAt = now;
            history = history(conversation.id);
        }
        Message user = new Message();
        user.id = UUID.randomUUID();
        user.conversationId = conversation.id;
        user.role = Message.USER;
        user.text = chat.text();
        user.clientMessageId = chat.clientMessageId();
        user.mode = chat.mode();
        user.context = json(chat.context());
        user.createdAt = now;
        user.persist();
        Message assistant = new Message();
        assistant.id = UUID.randomUUID();
        assistant.conversationId = conversation.id;
        assistant.role = Message.ASSISTANT;
        assistant.createdAt = now;
        assistant.persist();
        CompletionRecord completion = new CompletionRecord();
        completion.id = UUID.randomUUID();
        completion.conversationId = conversation.id;
        completion.requestMessageId = user.id;
        completion.messageId = assistant.id;
        completion.status = CompletionStatus.RUNNING.wire();
        completion.text = "";
        completion.lastSeq = 0;
        completion.chunkLengths = "";
        completion.ownerNode = node;
        completion.leaseUntil = now.plus(lease);
        completion.createdAt = now;
        completion.updatedAt = now;
        completion.persist();
        Message.flush();
        return new Acceptance(conversation.id, user.id, assistant.id, completion.id, false,
                new ModelRequest(history, chat.text(), chat.context(), chat.mode()));
    }

    /** The conversation's latest turns, oldest first; an assistant turn's text is its completion's stored text. */
    private List<HistoryTurn> history(UUID conversationId) {
        List<Message> messages = Message.find("conversationId = ?1 order by ordinal desc", conversationId)
                .page(0, HISTORY_MESSAGES).list();
        Map<UUID, CompletionRecord> completions = completionsByMessage(conversationId);
        List<HistoryTurn> turns = new ArrayList<>(messages.size());
        for (Message m : messages) {
            String text = textOf(m, completions);
            if (text != null && !text.isEmpty()) {
                turns.add(new HistoryTurn(m.role, text));
            }
        }
        Collections.reverse(turns);
        return turns;
    }

    @Transactional
    public List<ConversationViews.Summary> list() {
        List<Conversation> all = Conversation.list("order by updatedAt desc, createdAt desc");
        return all.stream().map(c -> new ConversationViews.Summary(c.id, c.title, c.createdAt, c.updatedAt)).toList();
    }

    @Transactional
    public ConversationViews.Detail get(UUID id) {
        Conversation conversation = Conversation.findById(id);
        if (conversation == null) {
            throw ApiException.notFound("no conversation has the id '" + id + "'");
        }
        Map<UUID, CompletionRecord> completions = completionsByMessage(id);
        List<Message> messages = Message.list("conversationId = ?1 order by ordinal", id);
        List<ConversationViews.MessageView> views = new ArrayList<>(messages.size());
        for (Message m : messages) {
            CompletionRecord c = completions.get(m.id);
            views.add(new ConversationViews.MessageView(m.id, m.role, textOf(m, completions), m.mode, m.createdAt,
                    tree(m.context), c == null ? null : new ConversationViews.CompletionRef(c.id, c.status, c.lastSeq)));
        }
        return new ConversationViews.Detail(conversation.id, conversation.title, conversation.createdAt,
                conversation.updatedAt, views);
    }

    @Transactional
    public void delete(UUID id) {
        if (Conversation.findById(id) == null) {
            throw ApiException.notFound("no conversation has the id '" + id + "'");
        }
        CompletionRecord.delete("conversationId", id);
        Message.delete("conversationId", id);
        Conversation.deleteById(id);
    }

    /** Completion ids of a conversation, for cancelling its running answers before it is deleted. */
    @Transactional
    public List<UUID> completionIds(UUID conversationId) {
        return CompletionRecord.<CompletionRecord>list("conversationId", conversationId).stream()
                .map(c -> c.id).toList();
    }

    private static Map<UUID, CompletionRecord> completionsByMessage(UUID conversationId) {
        List<CompletionRecord> list = CompletionRecord.list("conversationId", conversationId);
        return list.stream().collect(Collectors.toMap(c -> c.messageId, Function.identity()));
    }

    private static String textOf(Message m, Map<UUID, CompletionRecord> completions) {
        if (Message.ASSISTANT.equals(m.role)) {
            CompletionRecord c = completions.get(m.id);
            return c == null ? m.text : c.text;
        }
        return m.text;
    }

    static String title(String text) {
        String line = text.strip().lines().filter(l -> !l.isBlank()).findFirst().orElse("New conversation");
        line = line.replaceAll("\\s+", " ").strip();
        return line.length() <= TITLE_LENGTH ? line : line.substring(0, TITLE_LENGTH - 1) + "…";
    }

    private com.fasterxml.jackson.databind.JsonNode tree(String json) {
        if (json == null) {
            return null;
        }
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private String json(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}

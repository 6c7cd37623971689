package dev.mooring.model;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import org.jboss.logging.Logger;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Asks a model, in one short non-streaming call, for a conversation's title from its first question and answer. */
public final class Titler {

    static final String SYSTEM_PROMPT = """
            You name conversations between a user of a Jupyter notebook and an assistant. Reply with the title \
            only: at most 8 words, no quotes, no final period, in the language of the question. Name the task and \
            what it is about, for example "Fix ZeroDivisionError in mean()" or "Plot monthly sales by region".""";

    private static final Logger LOG = Logger.getLogger(Titler.class);
    private static final int MAX_QUESTION_CHARS = 600;
    private static final int MAX_ANSWER_CHARS = 1200;
    private static final int MAX_CELL_LINES = 4;
    private static final Pattern LABEL = Pattern.compile("^(title|titre|titel)\\s*:\\s*", Pattern.CASE_INSENSITIVE);
    private static final Pattern WRAPPERS = Pattern.compile("^[\\s\"'`*#_“”‘’]+|[\\s\"'`*_“”‘’.]+$");

    private final ChatModel model;
    private final ModelErrorClassifier errors;

    Titler(ChatModel model, ModelErrorClassifier errors) {
        this.model = model;
        this.errors = errors;
    }

    /** The model's title, cleaned to one line of at most {@code maxChars}; empty when the call fails or says nothing. */
    public Optional<String> title(ModelRequest question, String answer, int maxChars) {
        try {
            ChatResponse response = model.chat(ChatRequest.builder().messages(SystemMessage.from(SYSTEM_PROMPT),
                    UserMessage.from(prompt(question, answer))).build());
            String text = response == null || response.aiMessage() == null ? null : response.aiMessage().text();
            return Optional.ofNullable(clean(text, maxChars));
        } catch (RuntimeException e) {
            LOG.warnf("The model could not name a conversation: %s", errors.classify(e).message());
            return Optional.empty();
        }
    }

    static String prompt(ModelRequest question, String answer) {
        StringBuilder prompt = new StringBuilder(2048);
        String mode = question.mode() == null ? "chat" : question.mode().toLowerCase(Locale.ROOT);
        prompt.append("Question (").append(mode).append(" mode): ")
                .append(cut(question.userText(), MAX_QUESTION_CHARS)).append('\n');
        NotebookContext.ActiveCell cell = question.context() == null ? null : question.context().activeCell();
        if (cell != null && cell.error() != null && !cell.error().isBlank()) {
            prompt.append("Error: ").append(cut(cell.error().strip().lines().findFirst().orElse(""), 200)).append('\n');
        }
        if (cell != null && cell.source() != null && !cell.source().isBlank()) {
            prompt.append("The cell begins:\n");
            cell.source().strip().lines().limit(MAX_CELL_LINES).forEach(line -> prompt.append(cut(line, 160)).append('\n'));
        }
        prompt.append("The answer begins: ").append(cut(answer, MAX_ANSWER_CHARS));
        return prompt.toString();
    }

    /** The first line of a model's reply without labels, quotes or Markdown marks, or null when nothing is left. */
    static String clean(String reply, int maxChars) {
        if (reply == null) {
            return null;
        }
        String line = reply.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("");
        line = line.replaceAll("\\p{Cntrl}", " ");
        line = LABEL.matcher(line).replaceFirst("");
        line = WRAPPERS.matcher(line).replaceAll("");
        line = line.replaceAll("\\s+", " ").strip();
        if (line.isEmpty()) {
            return null;
        }
        return line.length() <= maxChars ? line : line.substring(0, maxChars - 1).stripTrailing() + "…";
    }

    private static String cut(String text, int max) {
        if (text == null) {
            return "";
        }
        String flat = text.strip();
        return flat.length() <= max ? flat : flat.substring(0, max) + "…";
    }
}

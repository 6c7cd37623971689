package dev.mooring.conversation;

import dev.mooring.api.ApiException;
import dev.mooring.api.ErrorCode;
import dev.mooring.model.NotebookContext;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A conversation's title: the first one, summarised from its first question, its mode and the cell it is about
 * ("Fix ZeroDivisionError in mean()", "Explain load_data()"), and the rules a title a user gives must keep.
 */
final class ConversationTitles {

    /** The longest title, the column's size. */
    static final int MAX_LENGTH = 200;
    /** The longest title made here or by the model: one line of the history list. */
    static final int SUMMARY_LENGTH = 80;
    private static final int SUBJECT_LENGTH = 48;
    private static final Pattern DEFINITION = Pattern.compile("^\\s*(?:async\\s+)?(def|class)\\s+([A-Za-z_]\\w*)",
            Pattern.MULTILINE);
    private static final Pattern ERROR_NAME = Pattern.compile("^\\s*([A-Za-z_][\\w.]*(?:Error|Exception|Warning|"
            + "Interrupt|Exit|Iteration)\\w*)");
    private static final Pattern COMMENT_MARK = Pattern.compile("^(#+|//+|--+|%+)\\s*");

    private ConversationTitles() {
    }

    /** The title a conversation starts with: from the mode and the cell for explain and debug, else the question. */
    static String summary(String question, String mode, NotebookContext context) {
        NotebookContext.ActiveCell cell = context == null ? null : context.activeCell();
        Optional<String> subject = cell == null ? Optional.empty() : subject(cell);
        String title = null;
        if ("debug".equals(mode)) {
            String error = cell == null ? null : errorName(cell.error()).orElse(null);
            String what = error == null ? "the error" : error;
            title = subject.map(s -> "Fix " + what + " in " + s).orElse(error == null ? null : "Fix " + error);
        } else if ("explain".equals(mode)) {
            boolean markdown = cell != null && "markdown".equals(cell.cellType());
            title = subject.map(s -> markdown ? "Explain the notes: " + s : "Explain " + s).orElse(null);
        }
        return oneLine(title != null ? title : firstLine(question).orElse("New conversation"), SUMMARY_LENGTH);
    }

    /** A title a user gives, on one line; bad_request when it is blank, too long or holds control characters. */
    static String validated(String title) {
        if (title == null || title.isBlank()) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "the title must not be blank");
        }
        String line = title.strip().replaceAll("[\\t\\r\\n]+", " ").replaceAll(" {2,}", " ");
        if (line.chars().anyMatch(Character::isISOControl)) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "the title must not hold control characters");
        }
        if (!readable(line).equals(line)) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "the title must not hold half of a surrogate pair");
        }
        if (line.length() > MAX_LENGTH) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "the title must be at most " + MAX_LENGTH
                    + " characters long (it has " + line.length() + ")");
        }
        return line;
    }

    /**
     * {@code text} as one line of at most {@code max} characters: control characters gone, half of a surrogate pair
     * as U+FFFD, cut with an ellipsis (never inside a pair).
     */
    static String oneLine(String text, int max) {
        String line = readable(text).replaceAll("\\s+", " ").strip();
        if (line.isEmpty()) {
            line = "New conversation";
        }
        if (line.length() <= max) {
            return line;
        }
        int cut = Character.isHighSurrogate(line.charAt(max - 2)) ? max - 2 : max - 1;
        return line.substring(0, cut).stripTrailing() + "…";
    }

    /** Control characters (a NUL among them) as spaces, half of a surrogate pair as U+FFFD. */
    private static String readable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (pair) {
                out.append(c).append(text.charAt(++i));
            } else if (Character.isISOControl(c)) {
                out.append(' ');
            } else {
                out.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }

    /** What a cell is about: its first function or class ("mean()", "Model"), else its first line of text. */
    private static Optional<String> subject(NotebookContext.ActiveCell cell) {
        String source = cell.source() == null ? "" : cell.source();
        Matcher definition = DEFINITION.matcher(source);
        if (definition.find()) {
            return Optional.of(definition.group(1).equals("def") ? definition.group(2) + "()" : definition.group(2));
        }
        return source.lines().map(String::strip).filter(line -> !line.isEmpty())
                .map(line -> COMMENT_MARK.matcher(line).replaceFirst("").strip())
                .filter(line -> !line.isEmpty()).findFirst().map(line -> oneLine(line, SUBJECT_LENGTH));
    }

    /** The error's name from the cell's error text ("ZeroDivisionError: division by zero" gives ZeroDivisionError). */
    private static Optional<String> errorName(String error) {
        if (error == null) {
            return Optional.empty();
        }
        Matcher name = ERROR_NAME.matcher(error);
        return name.find() ? Optional.of(name.group(1)) : Optional.empty();
    }

    private static Optional<String> firstLine(String text) {
        return text == null ? Optional.empty() : text.strip().lines().filter(l -> !l.isBlank()).findFirst();
    }
}

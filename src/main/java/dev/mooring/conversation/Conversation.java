package dev.mooring.conversation;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** A conversation: a titled thread of messages, of one user. */
@Entity
@Table(name = "conversation")
public class Conversation extends PanacheEntityBase {

    private static final int TITLE_LENGTH = 80;

    @Id
    public UUID id;

    public String title;

    /** Whose it is: only that user sees it. */
    @Column(name = "owner_user")
    public String ownerUser;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    /** Stores a new conversation of {@code user} titled after the first line of its first question. */
    static Conversation start(String user, String firstQuestion, Instant now) {
        Conversation conversation = new Conversation();
        conversation.id = UUID.randomUUID();
        conversation.ownerUser = user;
        conversation.title = title(firstQuestion);
        conversation.createdAt = now;
        conversation.updatedAt = now;
        conversation.persist();
        return conversation;
    }

    /** The conversation if it exists and is {@code user}'s; another user's reads as unknown. */
    static Conversation ofUser(UUID id, String user) {
        Conversation conversation = findById(id);
        return conversation != null && conversation.ownerUser.equals(user) ? conversation : null;
    }

    /** The first line of {@code text} that shows something, as a title: readable characters only, cut to fit. */
    static String title(String text) {
        String line = readable(text).strip().lines().filter(l -> !l.isBlank()).findFirst().orElse("New conversation");
        line = line.replaceAll("\\s+", " ").strip();
        if (line.length() <= TITLE_LENGTH) {
            return line;
        }
        int cut = Character.isHighSurrogate(line.charAt(TITLE_LENGTH - 2)) ? TITLE_LENGTH - 2 : TITLE_LENGTH - 1;
        return line.substring(0, cut) + "…";
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
            } else if (c != '\n' && Character.isISOControl(c)) {
                out.append(' ');
            } else {
                out.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }
}

package dev.mooring.security;

import dev.mooring.api.Caller;
import dev.mooring.config.ChatConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Assertions of a user: made with that user's key, short-lived, refused in every other shape. */
class UserAssertionsTest {

    private static final String SECRET = "a-users-secret-of-at-least-32-characters";
    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

    private record Users(Optional<String> secret, Duration maxAssertionAge) implements ChatConfig.Users {
    }

    private final UserAssertions users = new UserAssertions(new Users(Optional.of(SECRET), Duration.ofMinutes(5)));

    private static String of(String user, Instant expires) {
        return UserAssertions.assertion(UserAssertions.userKey(SECRET, user), user, expires);
    }

    @Test
    void anAssertionMadeWithAUsersKeyNamesThatUser() {
        assertEquals(Optional.of("alice"), users.userOf(of("alice", NOW.plusSeconds(60)), NOW));
        assertEquals(Optional.of("Zoë Smith"), users.userOf(of("Zoë Smith", NOW.plusSeconds(60)), NOW));
    }

    @Test
    void oneUsersKeyCannotAssertAnotherUser() {
        String forged = UserAssertions.assertion(UserAssertions.userKey(SECRET, "alice"), "bob", NOW.plusSeconds(60));
        assertEquals(Optional.empty(), users.userOf(forged, NOW));
        String otherSecret = UserAssertions.assertion(
                UserAssertions.userKey("another-secret-of-at-least-32-characters", "bob"), "bob", NOW.plusSeconds(60));
        assertEquals(Optional.empty(), users.userOf(otherSecret, NOW));
    }

    @Test
    void anExpiredOrFarFutureAssertionIsRefused() {
        assertEquals(Optional.empty(), users.userOf(of("alice", NOW.minusSeconds(31)), NOW));
        assertEquals(Optional.empty(), users.userOf(of("alice", NOW.plus(Duration.ofMinutes(6))), NOW));
        assertEquals(Optional.of("alice"), users.userOf(of("alice", NOW.minusSeconds(10)), NOW), "clock skew");
    }

    @Test
    void aTamperedOrMalformedAssertionIsRefused() {
        String good = of("alice", NOW.plusSeconds(60));
        String[] parts = good.split("\\.");
        for (String bad : new String[] {null, "", "alice", "v1.YWxpY2U", parts[0] + "." + parts[1] + "." + parts[2],
                "v2." + parts[1] + "." + parts[2] + "." + parts[3],
                parts[0] + "." + parts[1] + "." + (Long.parseLong(parts[2]) + 1) + "." + parts[3],
                parts[0] + ".Ym9i." + parts[2] + "." + parts[3], parts[0] + ".%%%." + parts[2] + "." + parts[3],
                parts[0] + "." + parts[1] + ".soon." + parts[3], parts[0] + "." + parts[1] + "." + parts[2] + ".!!",
                parts[0] + ".." + parts[2] + "." + parts[3], good + ".x"}) {
            assertEquals(Optional.empty(), users.userOf(bad, NOW), String.valueOf(bad));
        }
    }

    @Test
    void withoutASecretEveryRequestIsTheOneUserWhateverItAsserts() {
        UserAssertions single = new UserAssertions(new Users(Optional.empty(), Duration.ofMinutes(5)));
        assertEquals(Optional.of(Caller.SINGLE_USER), single.userOf(null, NOW));
        assertEquals(Optional.of(Caller.SINGLE_USER), single.userOf(of("alice", NOW.plusSeconds(60)), NOW));
    }

    @Test
    void aShortSecretStopsTheStart() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new UserAssertions(new Users(Optional.of("short"), Duration.ofMinutes(5))));
        assertEquals(true, e.getMessage().contains("CHAT_USERS_SECRET"), e.getMessage());
    }
}

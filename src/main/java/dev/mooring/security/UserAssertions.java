package dev.mooring.security;

import dev.mooring.api.Caller;
import dev.mooring.config.ChatConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * The user a request acts for. Without {@code chat.users.secret} the service has one user ({@link Caller#SINGLE_USER})
 * and this header means nothing. With it, every request carries {@value #HEADER}: an assertion that a Jupyter proxy
 * makes for its logged-in user with that user's key (derived from the secret), valid for minutes. A browser holds no
 * key, and a user's key asserts that user only; anything else is refused.
 *
 * <p>Assertion: {@code v1.<user, base64url>.<expires, epoch seconds>.<HMAC-SHA256 of what precedes, base64url>}, the
 * HMAC keyed with the user's key, which is the HMAC-SHA256 of {@code "mooring-user-key:" + user} under the secret.
 */
@ApplicationScoped
public class UserAssertions {

    public static final String HEADER = "X-Mooring-User";
    static final int MIN_SECRET_LENGTH = 32;
    private static final int MAX_USER_LENGTH = 255;
    private static final long CLOCK_SKEW_SECONDS = 30;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final byte[] secret;
    private final long maxAgeSeconds;

    @Inject
    public UserAssertions(ChatConfig config) {
        this(config.users());
    }

    UserAssertions(ChatConfig.Users users) {
        this.secret = users.secret().map(UserAssertions::checked).orElse(null);
        this.maxAgeSeconds = users.maxAssertionAge().toSeconds();
    }

    /** Whether requests must assert their user (a users secret is set). */
    public boolean severalUsers() {
        return secret != null;
    }

    /** The user of a request whose {@value #HEADER} is {@code assertion} (null when absent); empty when refused. */
    public Optional<String> userOf(String assertion, Instant now) {
        if (secret == null) {
            return Optional.of(Caller.SINGLE_USER);
        }
        if (assertion == null) {
            return Optional.empty();
        }
        String[] parts = assertion.strip().split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals("v1")) {
            return Optional.empty();
        }
        try {
            String user = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
            long expires = Long.parseLong(parts[2]);
            long nowSeconds = now.getEpochSecond();
            if (user.isEmpty() || user.length() > MAX_USER_LENGTH || expires < nowSeconds - CLOCK_SKEW_SECONDS
                    || expires > nowSeconds + maxAgeSeconds + CLOCK_SKEW_SECONDS) {
                return Optional.empty();
            }
            byte[] expected = hmac(keyOf(secret, user), parts[0] + "." + parts[1] + "." + parts[2]);
            byte[] presented = Base64.getUrlDecoder().decode(parts[3]);
            return MessageDigest.isEqual(expected, presented) ? Optional.of(user) : Optional.empty();
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
    }

    /** The key of {@code user}, base64url: what a hub hands that user's Jupyter server (docs/scaling.md). */
    public static String userKey(String secret, String user) {
        return B64.encodeToString(keyOf(secret.getBytes(StandardCharsets.UTF_8), user));
    }

    /** An assertion of {@code user} with its key (base64url) until {@code expires}: what a proxy sends. */
    public static String assertion(String userKey, String user, Instant expires) {
        String signed = "v1." + B64.encodeToString(user.getBytes(StandardCharsets.UTF_8)) + "."
                + expires.getEpochSecond();
        return signed + "." + B64.encodeToString(hmac(Base64.getUrlDecoder().decode(userKey), signed));
    }

    private static byte[] keyOf(byte[] secret, String user) {
        return hmac(secret, "mooring-user-key:" + user);
    }

    private static byte[] hmac(byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    private static byte[] checked(String value) {
        if (value.strip().length() < MIN_SECRET_LENGTH) {
            throw new IllegalStateException("the users secret (CHAT_USERS_SECRET, chat.users.secret) is too short; "
                    + "it needs at least " + MIN_SECRET_LENGTH + " characters");
        }
        return value.getBytes(StandardCharsets.UTF_8);
    }
}

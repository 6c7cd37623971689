package dev.mooring.security;

import dev.mooring.config.ChatConfig;
import dev.mooring.config.PrivateDataDir;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The service token: {@code CHAT_TOKEN}, or the one this service generates once into {@code <data-dir>/token} (the
 * only generator: the Jupyter extension reads that file). A token under {@value #MIN_LENGTH} characters stops the
 * start-up. The token itself is never logged.
 */
@Startup
@ApplicationScoped
public class ServiceToken {

    static final int MIN_LENGTH = 16;
    static final String FILE_NAME = "token";
    private static final Logger LOG = Logger.getLogger(ServiceToken.class);

    private final byte[] token;

    public ServiceToken(ChatConfig config, PrivateDataDir dataDir) {
        String value = config.token().isPresent()
                ? checked(config.token().get(), "CHAT_TOKEN (chat.token)")
                : fromFile(dataDir.path().resolve(FILE_NAME));
        this.token = value.getBytes(StandardCharsets.UTF_8);
    }

    /** Whether {@code candidate} is the token, compared in constant time. */
    public boolean matches(String candidate) {
        return candidate != null && MessageDigest.isEqual(token, candidate.getBytes(StandardCharsets.UTF_8));
    }

    private static String checked(String value, String source) {
        if (value.strip().length() < MIN_LENGTH) {
            throw new IllegalStateException("the service token from " + source + " is "
                    + (value.isBlank() ? "empty" : "too short") + "; it needs at least " + MIN_LENGTH + " characters");
        }
        return value;
    }

    private static String fromFile(Path file) {
        try {
            if (!Files.exists(file)) {
                create(file);
            }
            LOG.infof("service token: none configured (CHAT_TOKEN); using the one in %s", file);
            return checked(Files.readString(file).strip(), file + " (delete the file and the service makes a new one)");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the service token file " + file, e);
        }
    }

    /**
     * Writes a new token so that the file appears whole or not at all: a temporary file in the same directory
     * (owner-only from creation), forced to disk, then linked into place, which fails rather than replaces when
     * another process made the file first (its token is then used).
     */
    private static void create(Path file) throws IOException {
        Path temporary = PrivateDataDir.writeTemporary(file, (generate() + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            try {
                Files.createLink(file, temporary);
            } catch (FileAlreadyExistsException raced) {
                return;
            }
            PrivateDataDir.forceDirectory(file.getParent());
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static String generate() {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

}

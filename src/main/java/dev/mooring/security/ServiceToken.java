package dev.mooring.security;

import dev.mooring.config.ChatConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The service token: from configuration, or generated once and kept in {@code <data-dir>/token}, a file only its
 * owner can read. The token itself is never logged.
 */
@Startup
@ApplicationScoped
public class ServiceToken {

    private static final Logger LOG = Logger.getLogger(ServiceToken.class);

    private final byte[] token;

    public ServiceToken(ChatConfig config) {
        String value = config.token().filter(t -> !t.isBlank()).orElseGet(() -> fromFile(Path.of(config.dataDir())));
        this.token = value.getBytes(StandardCharsets.UTF_8);
    }

    /** Whether {@code candidate} is the token, compared in constant time. */
    public boolean matches(String candidate) {
        return candidate != null && MessageDigest.isEqual(token, candidate.getBytes(StandardCharsets.UTF_8));
    }

    private static String fromFile(Path dataDir) {
        Path file = dataDir.resolve("token");
        try {
            Files.createDirectories(dataDir);
            if (!Files.exists(file)) {
                byte[] random = new byte[32];
                new SecureRandom().nextBytes(random);
                String generated = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.writeString(file, generated + "\n");
                } catch (FileAlreadyExistsException raced) {
                    // Another process made it first; use theirs.
                } catch (UnsupportedOperationException notPosix) {
                    Files.writeString(file, generated + "\n");
                }
            }
            LOG.infof("service token: none configured (CHAT_TOKEN); using the one in %s", file.toAbsolutePath());
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the service token file " + file, e);
        }
    }
}

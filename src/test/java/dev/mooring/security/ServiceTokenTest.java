package dev.mooring.security;

import dev.mooring.config.ChatConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With no token configured, one is generated into a file only its owner can read, and kept across restarts. */
class ServiceTokenTest {

    private static ChatConfig config(Path dataDir) {
        return (ChatConfig) Proxy.newProxyInstance(ChatConfig.class.getClassLoader(), new Class<?>[]{ChatConfig.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "token" -> Optional.empty();
                    case "dataDir" -> dataDir.toString();
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void generatedTokenFileIsReadableByItsOwnerOnlyAndReused(@TempDir Path dir) throws Exception {
        Path dataDir = dir.resolve("data");
        ServiceToken first = new ServiceToken(config(dataDir));
        Path file = dataDir.resolve("token");
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(file));
        String token = Files.readString(file).strip();
        assertTrue(token.length() >= 40);
        assertTrue(first.matches(token));
        assertFalse(first.matches(token + "x"));
        assertFalse(first.matches(null));
        assertTrue(new ServiceToken(config(dataDir)).matches(token), "a restart keeps the same token");
    }
}

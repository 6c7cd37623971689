package dev.mooring.security;

import dev.mooring.config.ChatConfig;
import dev.mooring.config.PrivateDataDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The token comes from CHAT_TOKEN or a file this service writes whole and private; a short one stops the start. */
class ServiceTokenTest {

    private static ChatConfig config(Path dataDir, String token) {
        return (ChatConfig) Proxy.newProxyInstance(ChatConfig.class.getClassLoader(), new Class<?>[]{ChatConfig.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "token" -> Optional.ofNullable(token);
                    case "dataDir" -> dataDir.toString();
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static ServiceToken start(Path dataDir, String token) {
        ChatConfig config = config(dataDir, token);
        return new ServiceToken(config, new PrivateDataDir(config));
    }

    @Test
    void generatedTokenFileIsReadableByItsOwnerOnlyAndReused(@TempDir Path dir) throws Exception {
        Path dataDir = dir.resolve("data");
        ServiceToken first = start(dataDir, null);
        Path file = dataDir.resolve("token");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir)));
        String token = Files.readString(file).strip();
        assertTrue(token.length() >= 40);
        assertTrue(first.matches(token));
        assertFalse(first.matches(token + "x"));
        assertFalse(first.matches(null));
        assertTrue(start(dataDir, null).matches(token), "a restart keeps the same token");
    }

    @Test
    void theTokenFileAppearsWholeWithNoTemporaryFileLeft(@TempDir Path dir) throws Exception {
        // an empty temporary file, as a crash between creating and writing it would leave
        Files.writeString(dir.resolve(".token-123.tmp"), "");
        start(dir, null);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("token"), files.map(p -> p.getFileName().toString())
                    .filter(name -> !name.equals(".token-123.tmp")).toList());
        }
        assertEquals(43, Files.readString(dir.resolve("token")).strip().length(), "32 random bytes, URL-safe");
    }

    @Test
    void anEmptyTokenFileStopsTheStartInsteadOfAcceptingAnEmptyToken(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("token"), "\n");
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> start(dir, null));
        assertTrue(refused.getMessage().contains("is empty"), refused.getMessage());
        assertTrue(refused.getMessage().contains(dir.resolve("token").toString()), refused.getMessage());
    }

    @Test
    void aShortTokenFromTheFileOrFromChatTokenStopsTheStart(@TempDir Path dir) throws Exception {
        assertThrows(IllegalStateException.class, () -> start(dir, "short-token"));
        assertThrows(IllegalStateException.class, () -> start(dir, "                "));
        assertTrue(start(dir, "a-token-of-16-ch").matches("a-token-of-16-ch"));
        Files.writeString(dir.resolve("token"), "fifteen-chars-x\n");
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> start(dir, null));
        assertTrue(refused.getMessage().contains("too short"), refused.getMessage());
    }
}

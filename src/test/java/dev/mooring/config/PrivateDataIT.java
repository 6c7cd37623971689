package dev.mooring.config;

import dev.mooring.testing.FakeOpenAiServer;
import dev.mooring.testing.ServiceProcess;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The packaged service alone: its data directory and files are private, it serves health and the chat socket on a
 * Unix domain socket there (as Jupyter runs it), and an empty token file stops it instead of opening it to anyone.
 */
class PrivateDataIT {

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static Path freshDataDir() throws IOException {
        return Files.createDirectories(Path.of("target", "private-data-" + UUID.randomUUID()).toAbsolutePath());
    }

    /** One HTTP/1.1 exchange over the Unix socket; answers what the service sent until {@code enough} appears. */
    private static String exchange(Path socket, String request, String enough) {
        return assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
                ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
                String answer = "";
                while (!answer.contains(enough) && channel.read(buffer) > 0) {
                    answer = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
                }
                return answer;
            }
        });
    }

    private static String upgrade(String authorization) {
        return "GET /api/chat HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" + authorization + "\r\n";
    }

    @Test
    void aServiceAloneKeepsItsDataPrivateAndServesOnItsUnixSocket() throws Exception {
        assumeTrue(System.getProperty("quarkus.datasource.jdbc.url", "").isBlank(), "the embedded database only");
        Path data = freshDataDir();
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path socket = data.resolve("service.sock");
        try (FakeOpenAiServer model = FakeOpenAiServer.start()) {
            ServiceProcess service = new ServiceProcess(data, model.baseUrl())
                    .env("CHAT_TOKEN", "")
                    .env("QUARKUS_HTTP_DOMAIN_SOCKET_ENABLED", "true")
                    .env("QUARKUS_HTTP_DOMAIN_SOCKET", socket.toString())
                    .env("QUARKUS_VERTX_PREFER_NATIVE_TRANSPORT", "true");
            try {
                service.start();
                assertEquals("rwx------", mode(data));
                assertEquals("rw-------", mode(data.resolve("mooring.mv.db")));
                assertEquals("rw-------", mode(data.resolve("token")));
                // the socket is bound after start-up and tightened by an asynchronous observer
                await().atMost(Duration.ofSeconds(30)).until(() -> mode(socket).equals("rw-------"));
                String token = Files.readString(data.resolve("token")).strip();

                String health = exchange(socket, "GET /q/health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                        "\"UP\"");
                assertTrue(health.startsWith("HTTP/1.1 200"), health);
                assertTrue(exchange(socket, upgrade(""), "\r\n\r\n").startsWith("HTTP/1.1 401"));
                String chat = exchange(socket, upgrade("Authorization: Bearer " + token + "\r\n"), "\"welcome\"");
                assertTrue(chat.startsWith("HTTP/1.1 101"), chat);
                assertTrue(chat.contains("\"type\":\"welcome\""), chat);
            } finally {
                service.kill();
            }
        }
    }

    @Test
    void anEmptyTokenFileStopsTheServiceWithAClearMessage() throws Exception {
        Path data = freshDataDir();
        Files.writeString(data.resolve("token"), "");
        try (FakeOpenAiServer model = FakeOpenAiServer.start()) {
            ServiceProcess service = new ServiceProcess(data, model.baseUrl()).env("CHAT_TOKEN", "");
            try {
                AssertionError exited = assertThrows(AssertionError.class, service::start);
                assertTrue(exited.getMessage().contains("exited"), exited.getMessage());
            } finally {
                service.kill();
            }
        }
        assertTrue(Files.readString(data.resolve("service.log")).contains("is empty"), "the log says why");
    }
}

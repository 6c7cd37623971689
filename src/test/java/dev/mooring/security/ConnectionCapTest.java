package dev.mooring.security;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The service holds at most {@code chat.connections.max-http} TCP connections; one more is closed unanswered. */
@QuarkusTest
@TestProfile(ConnectionCapTest.FewConnections.class)
class ConnectionCapTest {

    public static class FewConnections implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("chat.model.provider", "demo", "chat.connections.max-http", "6",
                    "chat.connections.max", "4");
        }
    }

    @TestHTTPResource("/")
    URL base;

    /** The first byte of the answer to a GET of the health check on a new connection, or -1 if it was closed. */
    private int firstByteOfAnAnswer() throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write("GET /q/health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            try {
                return in.read();
            } catch (IOException reset) {
                return -1;
            }
        }
    }

    @Test
    void aConnectionPastTheCapIsClosedUnansweredAndOnesAfterItAreServed() throws IOException {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                Socket socket = new Socket(base.getHost(), base.getPort());
                held.add(socket);
                // answered, so surely counted; then kept open (keep-alive)
                socket.getOutputStream().write("GET /q/health/live HTTP/1.1\r\nHost: x\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                assertEquals('H', socket.getInputStream().read());
            }
            assertEquals(-1, firstByteOfAnAnswer());
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
        await().until(() -> firstByteOfAnAnswer() == 'H');
    }
}

package dev.mooring.security;

import dev.mooring.testing.RawWebSocket;
import dev.mooring.testing.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.mooring.testing.ServiceTestSupport.TOKEN;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connections are bounded: a request or upgrade whose headers never end is closed after the header timeout, however
 * slowly it trickles; the chat sockets open at once are capped (an upgrade past the cap is refused 503); and requests
 * to made-up paths cannot use up the metrics' tags.
 */
@QuarkusTest
@TestProfile(ConnectionLimitsTest.TightConnections.class)
class ConnectionLimitsTest {

    public static class TightConnections implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("chat.model.provider", "demo", "chat.connections.header-timeout", "2s",
                    "quarkus.websockets-next.server.auto-ping-interval", "1s", "chat.connections.max", "3");
        }
    }

    @TestHTTPResource("/")
    URL base;

    /** Whether the service closed {@code socket}: one more header byte is written, then the socket is read. */
    private static boolean closedByService(Socket socket) {
        try {
            OutputStream out = socket.getOutputStream();
            out.write('X');
            out.flush();
            socket.setSoTimeout(50);
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException closed) {
            return true;
        }
    }

    @Test
    void upgradesWhoseHeadersTrickleInAreClosed() throws IOException {
        List<Socket> tricklers = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                Socket socket = new Socket(base.getHost(), base.getPort());
                socket.getOutputStream().write(("GET /api/chat?token=" + TOKEN + " HTTP/1.1\r\nHost: x\r\nUpgrade: "
                        + "websocket\r\nX-Slow: ").getBytes(StandardCharsets.ISO_8859_1));
                tricklers.add(socket);
            }
            for (Socket socket : tricklers) {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> closedByService(socket));
            }
        } finally {
            for (Socket socket : tricklers) {
                socket.close();
            }
        }
    }

    @Test
    void chatSocketsPastTheCapAreRefused503() throws IOException {
        List<WsClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                WsClient client = WsClient.connect(base.toString(), TOKEN).answeringPings();
                client.await("welcome");
                open.add(client);
            }
            assertEquals(503, RawWebSocket.status(base.toString(), "/api/chat?token=" + TOKEN, Map.of(), true));
            open.remove(0).close();
            await().until(() -> RawWebSocket.status(base.toString(), "/api/chat?token=" + TOKEN, Map.of(), true) == 101);
        } finally {
            open.forEach(WsClient::close);
        }
    }

    @Test
    void requestsToMadeUpPathsDoNotUseUpTheMetricsTags() throws Exception {
        for (int i = 0; i < 150; i++) {
            RawWebSocket.status(base.toString(), "/api/made-up-" + UUID.randomUUID(), Map.of("Connection", "close"),
                    false);
        }
        assertEquals(200, RawWebSocket.status(base.toString(), "/api/conversations?token=" + TOKEN,
                Map.of("Connection", "close"), false));
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Set<String> uris = new TreeSet<>();
        Matcher uri = Pattern.compile("http_server_requests_seconds_count\\{[^}]*uri=\"([^\"]*)\"").matcher(metrics);
        while (uri.find()) {
            uris.add(uri.group(1));
        }
        assertTrue(uris.contains("/api/conversations"), "a real route is still measured: " + uris);
        assertFalse(uris.stream().anyMatch(u -> u.startsWith("/api/made-up-")), "made-up paths get no tag: " + uris);
    }
}

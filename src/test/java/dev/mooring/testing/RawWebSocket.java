package dev.mooring.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A WebSocket client on a plain socket that sends each text message as ONE frame, however large, as a browser does
 * (the JDK's client cuts large messages into fragments). It reads the server's frames in order, close frames with
 * their code and reason included, and reports a connection dropped without a close frame as {@link #DROPPED}.
 */
public final class RawWebSocket implements AutoCloseable {

    /** What {@link #next()} returns when the connection ended without a close frame. */
    public static final Frame DROPPED = new Frame(-1, "", 1006);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    /** One server frame: a text frame ({@code opcode} 1) or a close frame (8, with its code and reason as text). */
    public record Frame(int opcode, String text, int closeCode) {
        public boolean isClose() {
            return opcode == 8 || opcode == -1;
        }
    }

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Opens {@code /api/chat} of the service at {@code httpBase} with the token and completes the upgrade. */
    public static RawWebSocket connect(String httpBase, String token) throws IOException {
        RawWebSocket ws = open(httpBase, "/api/chat?token=" + token, upgradeHeaders(Map.of()));
        String head = ws.readHead();
        if (!head.startsWith("HTTP/1.1 101")) {
            ws.close();
            throw new IOException("upgrade refused: " + head.lines().findFirst().orElse(head));
        }
        return ws;
    }

    /**
     * The HTTP status of a GET of {@code target}, with these headers sent exactly as given ({@code Host} among them,
     * which the JDK's clients will not let a caller choose), as an upgrade to a WebSocket when {@code upgrade}.
     */
    public static int status(String httpBase, String target, Map<String, String> headers, boolean upgrade)
            throws IOException {
        try (RawWebSocket ws = open(httpBase, target, upgrade ? upgradeHeaders(headers) : headers)) {
            String head = ws.readHead();
            return Integer.parseInt(head.substring("HTTP/1.1 ".length(), "HTTP/1.1 ".length() + 3));
        }
    }

    private static Map<String, String> upgradeHeaders(Map<String, String> headers) {
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("Upgrade", "websocket");
        all.put("Connection", "Upgrade");
        all.put("Sec-WebSocket-Key", Base64.getEncoder().encodeToString(key));
        all.put("Sec-WebSocket-Version", "13");
        return all;
    }

    private static RawWebSocket open(String httpBase, String target, Map<String, String> headers) throws IOException {
        URI base = URI.create(httpBase);
        RawWebSocket ws = new RawWebSocket(new Socket(base.getHost(), base.getPort()));
        ws.socket.setSoTimeout(20_000);
        StringBuilder request = new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\n");
        if (!headers.containsKey("Host")) {
            request.append("Host: ").append(base.getHost()).append(':').append(base.getPort()).append("\r\n");
        }
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        ws.out.write(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        ws.out.flush();
        return ws;
    }

    /**
     * Sends {@code text} as one masked final frame, on a thread of its own, so that the server's answer can be read
     * while a large frame is still being written; the future fails if the server stopped reading.
     */
    public CompletableFuture<Void> send(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        return CompletableFuture.runAsync(() -> {
            try {
                out.write(frame(payload));
                out.flush();
            } catch (IOException e) {
                throw new IllegalStateException("the server stopped reading after part of the frame", e);
            }
        });
    }

    /** The next frame from the server, skipping pings; {@link #DROPPED} when the connection ended without a close. */
    public Frame next() throws IOException {
        while (true) {
            int b0;
            try {
                b0 = in.readUnsignedByte();
            } catch (EOFException | java.net.SocketException e) {
                return DROPPED;
            }
            int opcode = b0 & 0x0F;
            long length = in.readUnsignedByte() & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            if (opcode == 8) {
                int code = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
                String reason = payload.length > 2
                        ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
                return new Frame(8, reason, code);
            }
            if (opcode == 1) {
                return new Frame(1, new String(payload, StandardCharsets.UTF_8), 0);
            }
        }
    }

    /** The next text frame whose text contains {@code marker}, or the close that came first. */
    public Frame nextContaining(String marker) throws IOException {
        while (true) {
            Frame f = next();
            if (f.isClose() || f.text().contains(marker)) {
                return f;
            }
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        InputStream raw = in;
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int c = raw.read();
            if (c < 0) {
                break;
            }
            head.write(c);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static byte[] frame(byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write(0x81);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xFF);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift) & 0xFF);
            }
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        frame.write(mask, 0, 4);
        for (int i = 0; i < payload.length; i++) {
            payload[i] ^= mask[i & 3];
        }
        frame.write(payload, 0, payload.length);
        return frame.toByteArray();
    }
}

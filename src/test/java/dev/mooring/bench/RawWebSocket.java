package dev.mooring.bench;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A minimal WebSocket client on a plain socket, for what the JDK's cannot do: cut the connection with a TCP reset
 * (SO_LINGER 0), or close it cleanly at a chosen moment. Text frames only; pings are answered.
 */
final class RawWebSocket implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    RawWebSocket(URI uri) throws IOException {
        socket = new Socket(uri.getHost(), uri.getPort());
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(30_000);
        in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        out = socket.getOutputStream();
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        out.write(("GET " + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()) + " HTTP/1.1\r\n"
                + "Host: " + uri.getHost() + ":" + uri.getPort() + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        String status = line();
        if (!status.contains(" 101 ")) {
            throw new IOException("upgrade refused: " + status);
        }
        while (!line().isEmpty()) {
            // response headers
        }
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed during the upgrade");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    void sendText(String text) throws IOException {
        send(0x1, text.getBytes(StandardCharsets.UTF_8));
    }

    private synchronized void send(int opcode, byte[] payload) throws IOException {
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        out.write(0x80 | opcode);
        if (payload.length < 126) {
            out.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            out.write(0x80 | 126);
            out.write(payload.length >> 8);
            out.write(payload.length & 0xff);
        } else {
            out.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) payload.length >> shift) & 0xff);
            }
        }
        out.write(mask);
        byte[] masked = payload.clone();
        for (int i = 0; i < masked.length; i++) {
            masked[i] ^= mask[i % 4];
        }
        out.write(masked);
        out.flush();
    }

    /** The next text message (pings answered on the way), or null when the server closed. */
    String readText() throws IOException {
        StringBuilder message = new StringBuilder();
        while (true) {
            int b0 = in.read();
            if (b0 < 0) {
                return null;
            }
            long length = in.read() & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            int opcode = b0 & 0x0f;
            if (opcode == 0x8) {
                return null;
            } else if (opcode == 0x9) {
                send(0xA, payload);
            } else if (opcode == 0x1 || opcode == 0x0) {
                message.append(new String(payload, StandardCharsets.UTF_8));
                if ((b0 & 0x80) != 0) {
                    return message.toString();
                }
            }
        }
    }

    /** Cuts the connection with a TCP reset: no close frame, no FIN. */
    void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    /** Sends a close frame (1000), waits briefly for the server's, and closes the socket. */
    void closeCleanly() throws IOException {
        send(0x8, new byte[] {0x03, (byte) 0xe8});
        socket.setSoTimeout(2000);
        try {
            while (readText() != null) {
                // frames still in flight before the server's close
            }
        } catch (SocketTimeoutException | java.io.EOFException ignored) {
            // no close frame came back in time
        }
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

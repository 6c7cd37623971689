package dev.mooring.chat;

import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnPongMessage;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.buffer.Buffer;
import org.jboss.logging.Logger;

/** The chat channel's WebSocket endpoint: translates socket events into calls on {@link ChatChannel}. */
@WebSocket(path = "/api/chat")
public class ChatSocket {

    private static final Logger LOG = Logger.getLogger(ChatSocket.class);

    private final ChatChannel channel;

    public ChatSocket(ChatChannel channel) {
        this.channel = channel;
    }

    @OnOpen
    public void open(WebSocketConnection connection) {
        channel.open(connection);
    }

    @OnTextMessage
    public void message(WebSocketConnection connection, String text) {
        channel.receive(connection, text);
    }

    @OnPongMessage
    public void pong(WebSocketConnection connection, Buffer data) {
        channel.touch(connection);
    }

    @OnClose
    public void close(WebSocketConnection connection) {
        channel.closed(connection);
    }

    @OnError
    public void error(WebSocketConnection connection, Throwable failure) {
        LOG.debugf(failure, "socket error on connection %s", connection.id());
        channel.failed(connection, failure);
    }
}

package dev.mooring.chat;

import dev.mooring.config.ChatConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Says why a frame past {@code chat.max-socket-frame-bytes} ends the connection. The WebSocket decoder refuses such
 * a frame as soon as its header arrives and the server then drops the TCP connection at once: the client would see
 * 1006 and send the same frame again. A handler placed on the connection before its upgrade sees that refusal first
 * and writes a close frame, 1009 with the reason, before the connection drops.
 */
@ApplicationScoped
class SocketFrameLimit implements HttpUpgradeCheck {

    static final int MESSAGE_TOO_BIG = 1009;
    private static final String HANDLER = "mooring-frame-limit";
    /** The name of Vert.x's own handler, last in the pipeline: it closes the connection on any decoding failure. */
    private static final String VERTX_HANDLER = "handler";

    private final String reason;

    SocketFrameLimit(ChatConfig config) {
        this.reason = reason(config.maxSocketFrameBytes());
    }

    static String reason(int maxBytes) {
        return "a message was larger than " + maxBytes + " bytes; send less notebook context";
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        HttpConnection connection = context.httpRequest().connection();
        if (connection instanceof ConnectionBase base) {
            ChannelPipeline pipeline = base.channel().pipeline();
            if (pipeline.get(VERTX_HANDLER) != null && pipeline.get(HANDLER) == null) {
                pipeline.addBefore(VERTX_HANDLER, HANDLER, new AnswerOversizedFrames(reason));
            }
        }
        return CheckResult.permitUpgrade();
    }

    /** Writes 1009 with the reason when the decoder refuses a frame for its size; the failure then goes on. */
    private static final class AnswerOversizedFrames extends ChannelInboundHandlerAdapter {

        private final String reason;

        AnswerOversizedFrames(String reason) {
            this.reason = reason;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof CorruptedWebSocketFrameException refused
                    && refused.closeStatus().code() == MESSAGE_TOO_BIG && ctx.channel().isActive()) {
                ctx.writeAndFlush(new CloseWebSocketFrame(MESSAGE_TOO_BIG, reason));
            }
            ctx.fireExceptionCaught(cause);
        }
    }
}

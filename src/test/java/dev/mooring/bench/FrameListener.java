package dev.mooring.bench;

import java.net.http.WebSocket;
import java.util.concurrent.CompletionStage;

/**
 * A load client's WebSocket listener: joins a frame's parts, answers the service's pings, and hands every other
 * frame over whole with the moment it arrived. It does not parse JSON, so that the load generator takes as little of
 * the CPU as it can; subclasses look at the frame's first bytes.
 */
abstract class FrameListener implements WebSocket.Listener {

    private final StringBuilder partial = new StringBuilder();

    /** One whole frame other than a ping, received at {@code nanos} ({@link System#nanoTime()}). */
    abstract void onFrame(String frame, long nanos);

    static boolean is(String frame, String type) {
        return frame.startsWith("{\"type\":\"" + type + "\"");
    }

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            long now = System.nanoTime();
            String frame = partial.toString();
            partial.setLength(0);
            if (is(frame, "ping")) {
                socket.sendText(frame.replace("\"ping\"", "\"pong\""), true);
            } else {
                onFrame(frame, now);
            }
        }
        socket.request(1);
        return null;
    }
}

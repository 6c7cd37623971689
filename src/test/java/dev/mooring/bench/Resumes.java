package dev.mooring.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Times of {@code resume {afterSeq: 0}} of finished answers: to the first chunk, and to {@code done} after all of
 * them. Like the real client, it reconnects and resumes from the last seq it holds when the service closes the
 * socket (1013 when more live frames are unwritten than {@code chat.completions.max-pending-writes}); {@code connections}
 * is the most any one resume needed.
 */
record Resumes(double[] firstChunkMs, double[] allMs, int connections) {

    static Resumes measure(HttpClient http, URI chat, List<String> ids, int n, int chunks) throws Exception {
        double[] first = new double[n];
        double[] all = new double[n];
        int most = 0;
        Listener listener = new Listener();
        WebSocket socket = http.newWebSocketBuilder().buildAsync(chat, listener).get(1, TimeUnit.MINUTES);
        try {
            for (int i = 0; i < n; i++) {
                long start = System.nanoTime();
                listener.reset();
                int connections = 1;
                while (true) {
                    socket.sendText("{\"type\":\"resume\",\"completionId\":\"" + ids.get(i % ids.size())
                            + "\",\"afterSeq\":" + listener.lastSeq + "}", true).join();
                    try {
                        listener.done.get(2, TimeUnit.MINUTES);
                        break;
                    } catch (ExecutionException closed) {
                        listener = listener.next();
                        socket = http.newWebSocketBuilder().buildAsync(chat, listener).get(1, TimeUnit.MINUTES);
                        connections++;
                    }
                }
                first[i] = (listener.firstAt - start) / 1e6;
                all[i] = (listener.doneAt - start) / 1e6;
                most = Math.max(most, connections);
                if (listener.lastSeq != chunks) {
                    throw new IllegalStateException("resume ended at seq " + listener.lastSeq + ", not " + chunks);
                }
            }
            return new Resumes(first, all, most);
        } finally {
            socket.abort();
        }
    }

    /** One connection's frames of the resume under way; a reconnection carries the seq and first-chunk time on. */
    private static final class Listener extends FrameListener {
        volatile CompletableFuture<Void> done = new CompletableFuture<>();
        volatile long lastSeq;
        volatile long firstAt;
        volatile long doneAt;

        void reset() {
            done = new CompletableFuture<>();
            lastSeq = 0;
            firstAt = 0;
        }

        Listener next() {
            Listener next = new Listener();
            next.lastSeq = lastSeq;
            next.firstAt = firstAt;
            return next;
        }

        @Override
        void onFrame(String frame, long nanos) {
            if (is(frame, "chunk")) {
                int at = frame.indexOf("\"seq\":") + 6;
                int end = at;
                while (Character.isDigit(frame.charAt(end))) {
                    end++;
                }
                lastSeq = Long.parseLong(frame, at, end, 10);
                firstAt = firstAt == 0 ? nanos : firstAt;
            } else if (is(frame, "done")) {
                doneAt = nanos;
                done.complete(null);
            } else if (is(frame, "error")) {
                done.completeExceptionally(new IllegalStateException(frame));
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
            done.completeExceptionally(new IllegalStateException("closed " + code + " " + reason));
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            done.completeExceptionally(error);
        }
    }
}

package dev.mooring.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Times of {@code resume {afterSeq: 0}} over one connection: to the first chunk, and to {@code done} after all of them. */
record Resumes(double[] firstChunkMs, double[] allMs) {

    static Resumes measure(HttpClient http, URI chat, List<String> ids, int n, int chunks) throws Exception {
        Listener listener = new Listener();
        WebSocket socket = http.newWebSocketBuilder().buildAsync(chat, listener).get(1, TimeUnit.MINUTES);
        try {
            double[] first = new double[n];
            double[] all = new double[n];
            for (int i = 0; i < n; i++) {
                listener.first = new CompletableFuture<>();
                listener.done = new CompletableFuture<>();
                long start = System.nanoTime();
                socket.sendText("{\"type\":\"resume\",\"completionId\":\"" + ids.get(i % ids.size())
                        + "\",\"afterSeq\":0}", true).join();
                first[i] = (listener.first.get(1, TimeUnit.MINUTES) - start) / 1e6;
                String done = listener.done.get(1, TimeUnit.MINUTES);
                all[i] = (listener.doneAt - start) / 1e6;
                if (!done.contains("\"lastSeq\":" + chunks + ",") && !done.contains("\"lastSeq\":" + chunks + "}")) {
                    throw new IllegalStateException("resume did not end at seq " + chunks + ": " + done);
                }
            }
            return new Resumes(first, all);
        } finally {
            socket.abort();
        }
    }

    private static final class Listener extends FrameListener {
        volatile CompletableFuture<Long> first = new CompletableFuture<>();
        volatile CompletableFuture<String> done = new CompletableFuture<>();
        volatile long doneAt;

        @Override
        void onFrame(String frame, long nanos) {
            if (is(frame, "chunk")) {
                first.complete(nanos);
            } else if (is(frame, "done")) {
                doneAt = nanos;
                done.complete(frame);
            } else if (is(frame, "error")) {
                done.completeExceptionally(new IllegalStateException(frame));
            }
        }
    }
}

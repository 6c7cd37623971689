package dev.mooring.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

/**
 * Cuts a socket after the first chunks of a paced answer (by a TCP reset or a clean close), lets the model finish,
 * then asks the server, as its own client would after reconnecting, what it kept of that answer.
 */
interface CutMidAnswer {

    int CHUNKS = 100;
    int PER_SECOND = 20;
    int BEFORE_CUT = 20;

    /** What the server kept, in words and numbers. */
    String run(boolean reset) throws Exception;

    static void cut(RawWebSocket socket, boolean reset) throws Exception {
        if (reset) {
            socket.reset();
        } else {
            socket.closeCleanly();
        }
    }

    /** Chunks in a text made of the model server's stamps ({@code @w@}, the first {@code @w@a@}). */
    static int stamps(String text) {
        long ats = text.chars().filter(c -> c == '@').count();
        return ats == 0 ? 0 : (int) (ats - 1) / 2;
    }

    /** Mooring: the stored answer, then a resume from the last chunk the client had. */
    record Mooring(Services.Running service, HttpClient http) implements CutMidAnswer {
        @Override
        public String run(boolean reset) throws Exception {
            String id;
            try (RawWebSocket socket = new RawWebSocket(Services.chatUri(service))) {
                socket.readText(); // welcome
                socket.sendText(new Dialect.Mooring().ask(BenchModelServer.question(CHUNKS, PER_SECOND)));
                String frame = socket.readText();
                while (!frame.startsWith("{\"type\":\"accepted\"")) {
                    frame = socket.readText();
                }
                id = Dialect.stringField(frame, "completionId");
                for (int seen = 0; seen < BEFORE_CUT; ) {
                    seen += socket.readText().startsWith("{\"type\":\"chunk\"") ? 1 : 0;
                }
                cut(socket, reset);
            }
            String completion = completion(id);
            for (int i = 0; i < 300 && completion.contains("\"status\":\"running\""); i++) {
                ServerProcess.pause(100);
                completion = completion(id);
            }
            int resumed = 0;
            try (RawWebSocket socket = new RawWebSocket(Services.chatUri(service))) {
                socket.readText();
                socket.sendText("{\"type\":\"resume\",\"completionId\":\"" + id + "\",\"afterSeq\":" + BEFORE_CUT + "}");
                for (String f = socket.readText(); f != null && !f.startsWith("{\"type\":\"done\""); f = socket.readText()) {
                    resumed += f.startsWith("{\"type\":\"chunk\"") ? 1 : 0;
                }
            }
            return String.format("stored %d of %d chunks (%s); resume after seq %d delivered the other %d",
                    stamps(Dialect.stringField(completion, "text")), CHUNKS,
                    Dialect.stringField(completion, "status"), BEFORE_CUT, resumed);
        }

        private String completion(String id) throws Exception {
            return http.send(HttpRequest.newBuilder(URI.create(service.httpBase() + "/api/completions/" + id))
                    .header("Authorization", "Bearer " + Services.TOKEN).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
        }
    }

    /** mito-ai: the thread's history, fetched over a new socket once the model is done. */
    record MitoAi(URI uri) implements CutMidAnswer {
        @Override
        public String run(boolean reset) throws Exception {
            Dialect.MitoAi conversation = new Dialect.MitoAi();
            try (RawWebSocket socket = new RawWebSocket(uri)) {
                socket.sendText(conversation.greeting());
                while (!conversation.ready(socket.readText())) {
                    // capabilities and other opening frames
                }
                socket.sendText(conversation.ask(BenchModelServer.question(CHUNKS, PER_SECOND)));
                for (int seen = 0; seen < BEFORE_CUT; ) {
                    seen += conversation.classify(socket.readText()) == Dialect.Event.CHUNK ? 1 : 0;
                }
                cut(socket, reset);
            }
            ServerProcess.pause(1000L * CHUNKS / PER_SECOND + 3000);
            String messageId = UUID.randomUUID().toString();
            try (RawWebSocket socket = new RawWebSocket(uri)) {
                socket.sendText("{\"type\":\"fetch_history\",\"message_id\":\"" + messageId + "\",\"metadata\":{"
                        + "\"thread_id\":\"" + conversation.threadId() + "\"}}");
                String history = socket.readText();
                while (!history.contains(messageId)) {
                    history = socket.readText();
                }
                int assistant = history.split("\"role\": \"assistant\"", -1).length - 1;
                return String.format("history holds %d assistant message(s) with %d of %d chunks", assistant,
                        stamps(history), CHUNKS);
            }
        }
    }
}

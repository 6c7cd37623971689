package dev.mooring.bench;

import java.net.URI;
import java.util.UUID;
import java.util.function.Supplier;

/** How a load client talks to one chat server over a WebSocket: where to connect, and a conversation per connection. */
record Dialect(URI uri, Supplier<Conversation> conversations) {

    /** What a received frame means to the load. */
    enum Event { CHUNK, END, FAILED, OTHER }

    /** The state of one connection. */
    Conversation open() {
        return conversations.get();
    }

    /** One connection's view of the frames. */
    interface Conversation {

        /** A frame to send once connected, before asking (null: none). */
        default String greeting() {
            return null;
        }

        /** True once {@code frame} says the connection may ask (a welcome, the new thread's id). */
        boolean ready(String frame);

        /** The frame that asks {@code question}. */
        String ask(String question);

        Event classify(String frame);
    }

    /** A connection that only waits: ready with its first frame (a welcome, a server's capabilities), never asks. */
    static Dialect idle(URI uri) {
        return new Dialect(uri, () -> new Conversation() {
            @Override
            public boolean ready(String frame) {
                return true;
            }

            @Override
            public String ask(String question) {
                throw new UnsupportedOperationException("an idle connection does not ask");
            }

            @Override
            public Event classify(String frame) {
                return Event.OTHER;
            }
        });
    }

    /** Mooring's protocol (docs/protocol.md), directly or through the Jupyter proxy. */
    static Dialect mooring(URI uri) {
        return new Dialect(uri, Mooring::new);
    }

    /** mito-ai's completion handler ({@code mito_ai/completions/handlers.py}): a new thread, then one streamed chat. */
    static Dialect mitoAi(URI uri) {
        return new Dialect(uri, MitoAi::new);
    }

    /** Mooring: ready at the welcome, asks with {@code chat}, reads {@code chunk} and {@code done}. */
    static final class Mooring implements Conversation {
        @Override
        public boolean ready(String frame) {
            return frame.startsWith("{\"type\":\"welcome\"");
        }

        @Override
        public String ask(String question) {
            return "{\"type\":\"chat\",\"clientMessageId\":\"" + UUID.randomUUID() + "\",\"text\":\"" + question + "\"}";
        }

        @Override
        public Event classify(String frame) {
            if (frame.startsWith("{\"type\":\"chunk\"")) {
                return Event.CHUNK;
            }
            if (frame.startsWith("{\"type\":\"done\"")) {
                return frame.contains("\"status\":\"completed\"") ? Event.END : Event.FAILED;
            }
            return frame.startsWith("{\"type\":\"error\"") ? Event.FAILED : Event.OTHER;
        }
    }

    /** mito-ai: {@code start_new_chat} first, then {@code chat} with {@code stream: true} in that thread. */
    static final class MitoAi implements Conversation {
        private final String greetingId = UUID.randomUUID().toString();
        private volatile String threadId;

        String threadId() {
            return threadId;
        }

        @Override
        public String greeting() {
            return "{\"type\":\"start_new_chat\",\"message_id\":\"" + greetingId + "\"}";
        }

        @Override
        public boolean ready(String frame) {
            if (!frame.contains(greetingId)) {
                return false;
            }
            threadId = stringField(frame, "thread_id");
            return true;
        }

        @Override
        public String ask(String question) {
            return "{\"type\":\"chat\",\"message_id\":\"" + UUID.randomUUID() + "\",\"stream\":true,"
                    + "\"metadata\":{\"promptType\":\"chat\",\"threadId\":\"" + threadId + "\",\"input\":\""
                    + question + "\",\"activeCellCode\":\"\",\"activeCellId\":\"\"}}";
        }

        @Override
        public Event classify(String frame) {
            if (!frame.contains("\"type\": \"chunk\"")) {
                return frame.contains("\"error_type\"") ? Event.FAILED : Event.OTHER;
            }
            if (!frame.contains("\"error\": null")) {
                return Event.FAILED;
            }
            return frame.contains("\"done\": true") ? Event.END
                    : frame.contains("\"content\": \"@") ? Event.CHUNK : Event.OTHER;
        }
    }

    /** The value of the first string field {@code key} in a JSON text (with or without a space after the colon). */
    static String stringField(String json, String key) {
        int at = json.indexOf("\"" + key + "\":");
        if (at < 0) {
            throw new IllegalStateException("no " + key + " in " + json);
        }
        int start = json.indexOf('"', at + key.length() + 3) + 1;
        return json.substring(start, json.indexOf('"', start));
    }
}

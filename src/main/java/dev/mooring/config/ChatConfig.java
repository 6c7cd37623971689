package dev.mooring.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Every setting of the chat service, read from the {@code chat.*} keys (env {@code CHAT_*}). */
@ConfigMapping(prefix = "chat")
public interface ChatConfig {

    /** The service token; generated and written to {@code <data-dir>/token} when absent. */
    Optional<String> token();

    /** Where the embedded database and the generated token file live. */
    String dataDir();

    /** This instance's name: it owns the completions it runs (default: the host name). */
    String nodeName();

    /** Extra browser origins, comma-separated, allowed to open the socket. */
    Optional<List<String>> allowedOrigins();

    /** The largest client frame, in bytes, answered normally; larger ones get {@code too_large}. */
    @WithDefault("262144")
    int maxFrameBytes();

    /**
     * The largest frame or message the socket reads at all, in bytes; a larger one closes the connection with 1009.
     * Between {@link #maxFrameBytes()} and this, frames are read (whole, in memory) only to be refused.
     */
    @WithDefault("1048576")
    int maxSocketFrameBytes();

    Heartbeat heartbeat();

    Connections connections();

    RateLimit rateLimit();

    Completions completions();

    Model model();

    Demo demo();

    Prompt prompt();

    Users users();

    Agent agent();

    /** Application-level heartbeats. */
    interface Heartbeat {
        /** How often the server sends {@code ping}. */
        @WithDefault("15s")
        Duration interval();

        /** Silence after which a connection is closed with 4408. */
        @WithDefault("45s")
        Duration timeout();
    }

    /** How many connections the service holds, and for how long one may stay silent before its request. */
    interface Connections {
        /** Chat sockets open at once; an upgrade past it is refused with 503. */
        @WithDefault("256")
        int max();

        /** TCP connections of any kind open at once; one more is closed unanswered. */
        @WithDefault("1024")
        int maxHttp();

        /**
         * Longest time the service writes nothing to a connection: a request or upgrade whose headers do not end
         * within it is closed, however slowly they trickle in. Open chat sockets are pinged more often than this.
         */
        @WithDefault("30s")
        Duration headerTimeout();
    }

    /** Per-connection frame budget (token bucket). */
    interface RateLimit {
        /** Frames per second refilled into each connection's bucket. */
        @WithDefault("20")
        double framesPerSecond();

        /** Bucket size: the burst a connection may send at once. */
        @WithDefault("60")
        int burst();

        /** Refused frames in a row after which the connection is closed with 1008. */
        @WithDefault("50")
        int maxViolations();
    }

    /** How completions run, are checkpointed and kept in memory. */
    interface Completions {
        /** Largest gap between two writes of a running completion's progress. */
        @WithDefault("200ms")
        Duration checkpointInterval();

        /** How long a node's claim on the completions it runs lasts without renewal (several nodes share a database). */
        @WithDefault("30s")
        Duration lease();

        /**
         * How long a stopping node (SIGTERM) lets its running answers end on their own, refusing new questions and
         * out of the balancer meanwhile, before it ends the rest {@code interrupted}; 0 ends them at once.
         */
        @WithDefault("0s")
        Duration drain();

        /** How long a finished completion's chunk log stays in memory for fast resume. */
        @WithDefault("5m")
        Duration retainAfterEnd();

        /**
         * Heap in bytes (64 MiB) that ended answers kept for resumes may hold together (estimated); past it the oldest
         * are let go of first, and their resumes are served from the store.
         */
        @WithDefault("67108864")
        long retainMaxBytes();

        /** Live outgoing frames (not a replay's) a connection may have unwritten before it is closed with 1013. */
        @WithDefault("4096")
        int maxPendingWrites();

        /**
         * Characters of frames (a replay's included; 4 MiB) a connection may have waiting for its socket before it
         * is closed with 1013: what a client that resumes answer after answer and reads nothing can cost.
         */
        @WithDefault("4194304")
        long maxPendingBytes();

        /**
         * Questions stored at once (each holds a database connection while it is); more wait for a place, below the
         * connection pool's size so that checkpoints and ends keep theirs.
         */
        @WithDefault("8")
        int maxAccepting();

        /** How long a question waits for a place among those being stored before it is refused unavailable. */
        @WithDefault("1s")
        Duration acceptWait();

        /** Answers one connection may have running at once; another question is refused {@code rate_limited}. */
        @WithDefault("8")
        int maxRunningPerConnection();

        /** Answers this node runs at once, for all connections; another question is refused {@code rate_limited}. */
        @WithDefault("64")
        int maxRunning();
    }

    /** The model provider. */
    interface Model {
        /** {@code openai}, {@code anthropic}, {@code ollama} or {@code demo}; empty picks {@code demo}. */
        Optional<String> provider();

        /** Model name; each provider has its own default. */
        Optional<String> name();

        /** Base URL of the provider's API (any OpenAI-compatible server for {@code openai}). */
        Optional<String> baseUrl();

        /** API key of the provider. */
        Optional<String> apiKey();

        /** Longest wait for the provider's next byte. */
        @WithDefault("60s")
        Duration timeout();

        /** Largest answer, in tokens, asked of the provider. */
        @WithDefault("2048")
        int maxTokens();

        /** Whether a real model names each conversation after its first answer (one short extra call). */
        @WithDefault("true")
        boolean titles();

        /**
         * Threads that start model calls; a call may hold one for its whole answer, so it defaults to
         * {@code chat.completions.max-running}: an admitted answer never waits for a thread.
         */
        @WithDefault("64")
        int maxConcurrentCalls();

        /** Model calls that may wait for a thread; one more ends at once with a retryable {@code unavailable}. */
        @WithDefault("64")
        int queuedCalls();
    }

    /** The offline demo model. */
    interface Demo {
        /** The demo model's pace. */
        @WithDefault("20")
        double tokensPerSecond();

        /** How many chunks the demo model streams per reply. */
        @WithDefault("60")
        int replyTokens();
    }

    /** Whose conversations a request may see: one user (no secret), or the user a Jupyter proxy asserts. */
    interface Users {
        /**
         * The secret from which each user's assertion key is derived; when set, every request must carry an
         * assertion of its user ({@code X-Mooring-User}) and sees only that user's conversations.
         */
        Optional<String> secret();

        /** The longest lifetime an assertion may claim (a proxy makes a fresh one for each request). */
        @WithDefault("5m")
        Duration maxAssertionAge();
    }

    /** How prompts are assembled. */
    interface Prompt {
        /** Characters of earlier conversation kept in a prompt (newest first). */
        @WithDefault("24000")
        int historyChars();

        /** Characters of notebook context (cell source, outputs, error) kept in a prompt. */
        @WithDefault("12000")
        int contextChars();
    }

    /** Agent mode: the model calls the notebook's tools, which run in the browser. */
    interface Agent {
        /** Longest wait for a tool call's result; then the answer ends failed with {@code tool_timeout}. */
        @WithDefault("10m")
        Duration toolTimeout();

        /** Model turns with tool calls in one answer; one more ends it failed. */
        @WithDefault("20")
        int maxSteps();

        /** Characters of one tool result kept (stored and given to the model); the rest is cut with a note. */
        @WithDefault("20000")
        int maxResultChars();
    }
}

package dev.mooring.config;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every {@code CHAT_*} variable of the README's table reaches its setting through the default kebab-case names. */
class ChatConfigTest {

    private static final Map<String, String> ENVIRONMENT = Map.ofEntries(
            Map.entry("CHAT_TOKEN", "secret"),
            Map.entry("CHAT_DATA_DIR", "/var/lib/mooring"),
            Map.entry("CHAT_ALLOWED_ORIGINS", "http://a.example,http://b.example"),
            Map.entry("CHAT_HEARTBEAT_INTERVAL", "3s"),
            Map.entry("CHAT_HEARTBEAT_TIMEOUT", "9s"),
            Map.entry("CHAT_MODEL_PROVIDER", "ollama"),
            Map.entry("CHAT_MODEL_NAME", "llama3.2"),
            Map.entry("CHAT_MODEL_BASE_URL", "http://models.example:11434"),
            Map.entry("CHAT_MODEL_API_KEY", "sk-1"),
            Map.entry("CHAT_MODEL_TIMEOUT", "90s"),
            Map.entry("CHAT_MODEL_TITLES", "false"),
            Map.entry("CHAT_DEMO_TOKENS_PER_SECOND", "7.5"),
            Map.entry("CHAT_DEMO_REPLY_TOKENS", "11"),
            Map.entry("CHAT_MAX_FRAME_BYTES", "1000"),
            Map.entry("CHAT_COMPLETIONS_CHECKPOINT_INTERVAL", "150ms"),
            Map.entry("CHAT_NODE_NAME", "node-7"),
            Map.entry("CHAT_RATE_LIMIT_FRAMES_PER_SECOND", "4.5"),
            Map.entry("CHAT_RATE_LIMIT_BURST", "12"),
            Map.entry("CHAT_MAX_SOCKET_FRAME_BYTES", "5000"),
            Map.entry("CHAT_COMPLETIONS_MAX_RUNNING_PER_CONNECTION", "2"),
            Map.entry("CHAT_COMPLETIONS_MAX_RUNNING", "9"),
            Map.entry("CHAT_COMPLETIONS_MAX_PENDING_WRITES", "99"),
            Map.entry("CHAT_COMPLETIONS_MAX_PENDING_BYTES", "123456"),
            Map.entry("CHAT_COMPLETIONS_MAX_ACCEPTING", "3"),
            Map.entry("CHAT_COMPLETIONS_ACCEPT_WAIT", "250ms"),
            Map.entry("CHAT_COMPLETIONS_DRAIN", "25s"),
            Map.entry("CHAT_COMPLETIONS_RETAIN_AFTER_END", "2m"),
            Map.entry("CHAT_COMPLETIONS_RETAIN_MAX_BYTES", "1048576"),
            Map.entry("CHAT_MODEL_MAX_CONCURRENT_CALLS", "3"),
            Map.entry("CHAT_MODEL_QUEUED_CALLS", "4"),
            Map.entry("CHAT_CONNECTIONS_MAX", "5"),
            Map.entry("CHAT_CONNECTIONS_MAX_HTTP", "50"),
            Map.entry("CHAT_CONNECTIONS_HEADER_TIMEOUT", "40s"),
            Map.entry("CHAT_AGENT_TOOL_TIMEOUT", "3m"),
            Map.entry("CHAT_AGENT_MAX_STEPS", "6"),
            Map.entry("CHAT_AGENT_MAX_RESULT_CHARS", "700"),
            Map.entry("CHAT_USERS_SECRET", "users-secret-0123456789-0123456789"));

    @Test
    void theEnvironmentTableOfTheReadmeIsTheOneTested() throws IOException {
        Matcher names = Pattern.compile("`(CHAT_[A-Z_]+)`").matcher(Files.readString(Path.of("README.md")));
        TreeSet<String> documented = new TreeSet<>();
        while (names.find()) {
            documented.add(names.group(1));
        }
        assertEquals(new TreeSet<>(ENVIRONMENT.keySet()), documented);
    }

    @Test
    void everyDocumentedVariableReachesItsSetting() {
        ChatConfig config = new SmallRyeConfigBuilder().withMapping(ChatConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new EnvConfigSource(ENVIRONMENT, 300))
                .build().getConfigMapping(ChatConfig.class);

        assertEquals(Optional.of("secret"), config.token());
        assertEquals("/var/lib/mooring", config.dataDir());
        assertEquals(Optional.of(List.of("http://a.example", "http://b.example")), config.allowedOrigins());
        assertEquals(Duration.ofSeconds(3), config.heartbeat().interval());
        assertEquals(Duration.ofSeconds(9), config.heartbeat().timeout());
        assertEquals(Optional.of("ollama"), config.model().provider());
        assertEquals(Optional.of("llama3.2"), config.model().name());
        assertEquals(Optional.of("http://models.example:11434"), config.model().baseUrl());
        assertEquals(Optional.of("sk-1"), config.model().apiKey());
        assertEquals(Duration.ofSeconds(90), config.model().timeout());
        assertEquals(false, config.model().titles());
        assertEquals(7.5, config.demo().tokensPerSecond());
        assertEquals(11, config.demo().replyTokens());
        assertEquals(1000, config.maxFrameBytes());
        assertEquals(Duration.ofMillis(150), config.completions().checkpointInterval());
        assertEquals("node-7", config.nodeName());
        assertEquals(4.5, config.rateLimit().framesPerSecond());
        assertEquals(12, config.rateLimit().burst());
        assertEquals(5000, config.maxSocketFrameBytes());
        assertEquals(2, config.completions().maxRunningPerConnection());
        assertEquals(9, config.completions().maxRunning());
        assertEquals(99, config.completions().maxPendingWrites());
        assertEquals(123456, config.completions().maxPendingBytes());
        assertEquals(3, config.completions().maxAccepting());
        assertEquals(Duration.ofMillis(250), config.completions().acceptWait());
        assertEquals(Duration.ofSeconds(25), config.completions().drain());
        assertEquals(Duration.ofMinutes(2), config.completions().retainAfterEnd());
        assertEquals(1048576, config.completions().retainMaxBytes());
        assertEquals(3, config.model().maxConcurrentCalls());
        assertEquals(4, config.model().queuedCalls());
        assertEquals(5, config.connections().max());
        assertEquals(50, config.connections().maxHttp());
        assertEquals(Duration.ofSeconds(40), config.connections().headerTimeout());
        assertEquals(Duration.ofMinutes(3), config.agent().toolTimeout());
        assertEquals(6, config.agent().maxSteps());
        assertEquals(700, config.agent().maxResultChars());
        assertEquals(Optional.of("users-secret-0123456789-0123456789"), config.users().secret());
    }
}

package dev.mooring.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Starts the servers the benchmarks drive: the packaged chat service, and Jupyter Server (with the Mooring proxy, or with mito-ai). */
final class Services {

    static final String TOKEN = "bench-token-0123456789";

    private Services() {
    }

    /** A running server and where to reach it. */
    record Running(ServerProcess process, int port, Path dir) implements AutoCloseable {
        String httpBase() {
            return "http://127.0.0.1:" + port;
        }

        @Override
        public void close() {
            process.close();
        }
    }

    /**
     * The packaged service ({@code bench.jar}, H2 unless it was built for PostgreSQL: then {@code bench.jdbcUrl}) on a
     * fresh data folder, reading the bench model server through LangChain4j, with no frame budget in the way.
     * {@code bench.serviceJvm} adds JVM options; {@code env} adds or overrides environment variables.
     */
    static Running mooring(Path dir, String modelUrl, Map<String, String> env) throws IOException {
        Files.createDirectories(dir);
        int port = ServerProcess.freePort();
        Map<String, String> all = new LinkedHashMap<>();
        all.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        all.put("CHAT_TOKEN", TOKEN);
        all.put("CHAT_DATA_DIR", dir.toString());
        all.put("CHAT_NODE_NAME", "bench");
        all.put("CHAT_MODEL_PROVIDER", "openai");
        all.put("CHAT_MODEL_BASE_URL", modelUrl);
        all.put("CHAT_MODEL_API_KEY", "sk-bench");
        all.put("CHAT_MODEL_NAME", "bench");
        all.put("CHAT_RATE_LIMIT_FRAMES_PER_SECOND", "1000000");
        all.put("CHAT_RATE_LIMIT_BURST", "1000000");
        // the service's bounds sized for the loads measured (their defaults suit one user's notebook)
        all.put("CHAT_CONNECTIONS_MAX", "19200");
        all.put("CHAT_CONNECTIONS_MAX_HTTP", "19400");
        all.put("CHAT_COMPLETIONS_MAX_RUNNING", "4096");
        all.put("CHAT_COMPLETIONS_MAX_RUNNING_PER_CONNECTION", "4096");
        all.put("CHAT_MODEL_MAX_CONCURRENT_CALLS", "4096");
        // a burst's questions wait for their place among those being stored rather than being refused: the load
        // clients do not send again as the real client does
        all.put("CHAT_COMPLETIONS_ACCEPT_WAIT", "120s");
        String jdbc = System.getProperty("bench.jdbcUrl", "");
        if (!jdbc.isBlank()) {
            all.put("QUARKUS_DATASOURCE_JDBC_URL", jdbc);
        }
        all.putAll(env);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g"));
        String jvm = System.getProperty("bench.serviceJvm", "");
        if (!jvm.isBlank()) {
            command.addAll(List.of(jvm.trim().split("\\s+")));
        }
        command.addAll(List.of("-jar", System.getProperty("bench.jar", "target/quarkus-app/quarkus-run.jar")));
        ServerProcess process = ServerProcess.start("the chat service", command, all, dir.resolve("service.log"),
                URI.create("http://127.0.0.1:" + port + "/q/health/ready"));
        return new Running(process, port, dir);
    }

    /** The chat WebSocket of a running service, with the service token. */
    static URI chatUri(Running service) {
        return URI.create("ws://127.0.0.1:" + service.port() + "/api/chat?token=" + TOKEN);
    }

    /**
     * Jupyter Server from the virtual environment {@code venv}, on a fresh root and home folder, with Jupyter's token
     * {@value #TOKEN} and these extra arguments and environment.
     */
    static Running jupyter(Path venv, Path dir, List<String> args, Map<String, String> env) throws IOException {
        Files.createDirectories(dir);
        int port = ServerProcess.freePort();
        List<String> command = new ArrayList<>(List.of(venv.resolve("bin/jupyter").toString(), "server",
                "--no-browser", "--ServerApp.ip=127.0.0.1", "--ServerApp.port=" + port,
                "--ServerApp.token=" + TOKEN, "--ServerApp.root_dir=" + dir, "--allow-root"));
        command.addAll(args);
        Map<String, String> all = new LinkedHashMap<>(env);
        all.put("HOME", dir.toString());
        all.put("JUPYTER_CONFIG_DIR", dir.resolve(".jupyter").toString());
        ServerProcess process = ServerProcess.start("Jupyter Server", command, all, dir.resolve("jupyter.log"),
                URI.create("http://127.0.0.1:" + port + "/api/status?token=" + TOKEN));
        return new Running(process, port, dir);
    }
}

package dev.mooring.testing;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * The packaged service ({@code target/quarkus-app/quarkus-run.jar}) in a process of its own, on a data folder that
 * survives its restarts. Database settings given to the test JVM ({@code quarkus.datasource.*}) are passed on, so the
 * same test runs on H2 and on PostgreSQL.
 */
public final class ServiceProcess {

    public static final String TOKEN = "it-token-0123456789";

    private final Path dataDir;
    private final String modelUrl;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, String> extraEnv = new java.util.LinkedHashMap<>();
    private Process process;

    public ServiceProcess(Path dataDir, String modelUrl) throws IOException {
        this.dataDir = dataDir;
        this.modelUrl = modelUrl;
        this.port = FreePort.pick();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** {@code 127.0.0.1:PORT}, as a load balancer names it. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    /** Sets an environment variable of the service process for its next start (overrides the defaults). */
    public ServiceProcess env(String name, String value) {
        extraEnv.put(name, value);
        return this;
    }

    /** Starts the service and waits until it is ready. */
    public void start() {
        String jar = System.getProperty("mooring.jar", "target/quarkus-app/quarkus-run.jar");
        ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar));
        Map<String, String> env = pb.environment();
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        env.put("CHAT_TOKEN", TOKEN);
        env.put("CHAT_DATA_DIR", dataDir.toString());
        env.put("CHAT_NODE_NAME", "restart-test");
        env.put("CHAT_MODEL_PROVIDER", "openai");
        env.put("CHAT_MODEL_BASE_URL", modelUrl);
        env.put("CHAT_MODEL_API_KEY", "sk-test");
        for (String key : List.of("quarkus.datasource.jdbc.url", "quarkus.datasource.username",
                "quarkus.datasource.password")) {
            String value = System.getProperty(key);
            if (value != null && !value.isBlank()) {
                env.put(key.toUpperCase().replace('.', '_').replace('-', '_'), value);
            }
        }
        env.putAll(extraEnv);
        pb.redirectErrorStream(true);
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + jar, e);
        }
        copyOutput(process, dataDir.resolve("service.log"));
        // only a refused or failed HTTP call is retried: a service that exited fails at once
        await().atMost(Duration.ofSeconds(120)).ignoreExceptionsInstanceOf(IOException.class).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("the service exited with " + process.exitValue() + "; see " + dataDir);
            }
            return get("/q/health/ready").statusCode() == 200;
        });
    }

    /**
     * The service writes its log into a pipe and this JVM writes the file, so that a limit on the size of the files
     * the service may write (a full disk, as {@code prlimit --fsize} makes one) leaves its log whole.
     */
    private static void copyOutput(Process process, Path log) {
        Thread copier = new Thread(() -> {
            try (var in = process.getInputStream();
                 var out = java.nio.file.Files.newOutputStream(log, java.nio.file.StandardOpenOption.CREATE,
                         java.nio.file.StandardOpenOption.APPEND)) {
                in.transferTo(out);
            } catch (IOException ignored) {
                // the process ended
            }
        }, "service-log");
        copier.setDaemon(true);
        copier.start();
    }

    /** The operating system's id of the running service. */
    public long pid() {
        return process.pid();
    }

    /** The HTTP status of {@code GET path} (health and metrics need no token; the token is sent anyway). */
    public int status(String path) {
        try {
            return get(path).statusCode();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The body of {@code GET path}. */
    public String body(String path) {
        try {
            return get(path).body();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SIGKILL: the process dies at once, as in a crash. */
    public void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** SIGTERM: a graceful stop. */
    public void terminate() {
        process.destroy();
    }

    /** SIGTERM, then waits for the exit (SIGKILL after 30 s). */
    public void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
    }

    /** SIGSTOP: the process stops in its tracks, as in a long GC pause or a VM migration; its sockets stay open. */
    public void freeze() {
        signal("STOP");
    }

    /** SIGCONT: a frozen process goes on where it stopped. */
    public void thaw() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + name + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    /** {@code GET /api/completions/{id}} as JSON. */
    public JsonNode completion(String id) {
        try {
            return WsClient.JSON.readTree(get("/api/completions/" + id).body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> get(String path) throws IOException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                    .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}

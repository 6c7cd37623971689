package dev.mooring.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server of the tests' own (Debian's {@code redis-server}) on a free loopback port, without persistence, as
 * the cluster runs it: a restart starts it empty. It can be stopped and started again on the same port.
 */
public final class RedisProcess implements AutoCloseable {

    private final int port;
    private final Path dir;
    private Process process;

    private RedisProcess(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    /** Starts one and waits until it takes connections. */
    public static RedisProcess start() {
        try {
            RedisProcess redis = new RedisProcess(FreePort.pick(), Files.createTempDirectory("mooring-redis"));
            redis.launch();
            return redis;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start redis-server", e);
        }
    }

    /** {@code redis://127.0.0.1:PORT}, as {@code QUARKUS_REDIS_HOSTS} takes it. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts it again after {@link #stop()}, on the same port, empty. */
    public void launch() {
        try {
            process = new ProcessBuilder("redis-server", "--bind", "127.0.0.1", "--port", String.valueOf(port),
                    "--save", "", "--appendonly", "no", "--dir", dir.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run redis-server (apt-get install redis-server)", e);
        }
        FreePort.awaitListening(port, process, "redis-server (log in " + dir + ")");
    }

    /** Starts it again if a test stopped it. */
    public void ensureRunning() {
        if (process == null || !process.isAlive()) {
            launch();
        }
    }

    /** SIGTERM, and waits for the exit: what it held is gone. */
    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}

package dev.mooring.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A server under test in a process of its own (the chat service, a Jupyter server), optionally pinned with
 * {@code taskset} to the cores named by {@code bench.serverCores}, and what Linux counts for it: CPU time, resident
 * memory, bytes written.
 */
final class ServerProcess implements AutoCloseable {

    private static final double TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux

    private final Process process;
    private final String name;

    private ServerProcess(Process process, String name) {
        this.process = process;
        this.name = name;
    }

    /** Starts {@code command} with {@code env} added, output to {@code log}, and waits until {@code ready} answers 2xx. */
    static ServerProcess start(String name, List<String> command, Map<String, String> env, Path log, URI ready)
            throws IOException {
        List<String> full = new ArrayList<>();
        String cores = System.getProperty("bench.serverCores", "");
        if (!cores.isBlank()) {
            full.addAll(List.of("taskset", "-c", cores));
        }
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        ServerProcess server = new ServerProcess(builder.start(), name);
        server.awaitReady(ready, log);
        return server;
    }

    /** A free TCP port on this machine. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void awaitReady(URI ready, Path log) throws IOException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail(log));
            }
            try {
                int status = http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status / 100 == 2) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            pause(250);
        }
        close();
        throw new IllegalStateException(name + " was not ready within 180 s:\n" + tail(log));
    }

    long pid() {
        return process.pid();
    }

    /** CPU time (user + system) this process has used, in seconds, from {@code /proc/<pid>/stat}. */
    double cpuSeconds() {
        return cpuSeconds(process.pid());
    }

    static double cpuSeconds(long pid) {
        String stat = read(pid, "stat");
        // the fields after the command name, which is in parentheses and may hold spaces
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    }

    /** Resident memory in bytes ({@code VmRSS} of {@code /proc/<pid>/status}). */
    long residentBytes() {
        return field(read(process.pid(), "status"), "VmRSS:") * 1024;
    }

    /** Bytes the process asked the kernel to write ({@code wchar} of {@code /proc/<pid>/io}): files and sockets. */
    long writtenChars() {
        return field(read(process.pid(), "io"), "wchar:");
    }

    /** Bytes the process caused to be written to storage ({@code write_bytes} of {@code /proc/<pid>/io}). */
    long storageWriteBytes() {
        return field(read(process.pid(), "io"), "write_bytes:");
    }

    private static long field(String text, String key) {
        for (String line : text.split("\n")) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException("no " + key + " in " + text);
    }

    private static String read(long pid, String file) {
        try {
            return Files.readString(Path.of("/proc", String.valueOf(pid), file));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + "/" + file, e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM, then SIGKILL after 30 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}

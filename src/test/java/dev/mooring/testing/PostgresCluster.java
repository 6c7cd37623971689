package dev.mooring.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of a test's own (Debian's binaries, a fresh data folder, a free port), so that a test can
 * stop and start the database under the service without touching the cluster other runs share. It runs as the
 * {@code postgres} user, so the test must run as root (as the project's test command does).
 */
public final class PostgresCluster implements AutoCloseable {

    private static final Path BINARIES = Path.of("/usr/lib/postgresql");

    private final Path home;
    private final Path bin;
    private final int port;

    private PostgresCluster(Path home, Path bin, int port) {
        this.home = home;
        this.bin = bin;
        this.port = port;
    }

    /** Why a cluster of its own cannot be made here, or null when it can. */
    public static String unavailableBecause() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "a PostgreSQL server of the test's own runs as the postgres user, which needs root";
        }
        return newestBin() == null ? "no PostgreSQL server binaries under " + BINARIES : null;
    }

    /** Makes the data folder, starts the server and creates the service's role and database ({@code mooring}). */
    public static PostgresCluster create() throws IOException {
        Path home = Files.createTempDirectory("mooring-pg");
        PostgresCluster cluster = new PostgresCluster(home, newestBin(), freePort());
        cluster.run("chown", "postgres:postgres", home.toString());
        cluster.asPostgres(cluster.bin.resolve("initdb").toString(), "-D", cluster.data(), "-A", "trust", "-U",
                "postgres", "-E", "UTF8", "--no-sync");
        cluster.start();
        cluster.asPostgres(cluster.bin.resolve("psql").toString(), "-h", "127.0.0.1", "-p",
                String.valueOf(cluster.port), "-U", "postgres", "-q", "-c",
                "CREATE ROLE mooring LOGIN PASSWORD 'mooring'", "-c", "CREATE DATABASE mooring OWNER mooring");
        return cluster;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/mooring";
    }

    /** Starts the server and waits until it accepts connections. */
    public void start() {
        asPostgres(bin.resolve("pg_ctl").toString(), "-D", data(), "-l", home.resolve("server.log").toString(),
                "-o", "-p " + port + " -k " + home + " -c listen_addresses=127.0.0.1", "-w", "start");
    }

    /** Stops the server at once, as a crash of the database would: every connection breaks. */
    public void stop() {
        asPostgres(bin.resolve("pg_ctl").toString(), "-D", data(), "-m", "immediate", "-w", "stop");
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (RuntimeException alreadyStopped) {
            // nothing to stop
        }
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder
        }
    }

    private String data() {
        return home.resolve("data").toString();
    }

    private void asPostgres(String... command) {
        List<String> line = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        line.addAll(List.of(command));
        run(line.toArray(String[]::new));
    }

    private void run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("commands.log").toFile())).start();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed; see " + home.resolve("commands.log"));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command[0], e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path newestBin() {
        try (Stream<Path> versions = Files.list(BINARIES)) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparingInt(b -> Integer.parseInt(b.getParent().getFileName().toString())))
                    .orElse(null);
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

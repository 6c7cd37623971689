package dev.mooring.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * HAProxy (Debian's {@code haproxy}) with the project's own {@code deploy/haproxy.cfg} in front of the given nodes,
 * on a free loopback port: what a deployment runs, with this machine's addresses.
 */
public final class Balancer implements AutoCloseable {

    private final int port;
    private final Process process;

    private Balancer(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    /** Starts HAProxy for {@code nodes} (name and {@code host:port} each); its files go to {@code dir}. */
    public static Balancer start(Path dir, List<Node> nodes) {
        try {
            StringBuilder config = new StringBuilder(Files.readString(Path.of("deploy/haproxy.cfg")));
            for (Node node : nodes) {
                config.append("    server ").append(node.name()).append(' ').append(node.address()).append('\n');
            }
            Path file = dir.resolve("haproxy.cfg");
            Files.writeString(file, config);
            int port = FreePort.pick();
            String haproxy = Files.isExecutable(Path.of("/usr/sbin/haproxy")) ? "/usr/sbin/haproxy" : "haproxy";
            ProcessBuilder pb = new ProcessBuilder(haproxy, "-db", "-f", file.toString());
            pb.environment().put("MOORING_BALANCER_BIND", "127.0.0.1:" + port);
            pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("haproxy.log").toFile()));
            Process process = pb.start();
            FreePort.awaitListening(port, process, "haproxy (log in " + dir + ")");
            return new Balancer(port, process);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run haproxy (apt-get install haproxy)", e);
        }
    }

    /** A service node as the balancer knows it. */
    public record Node(String name, String address) {
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

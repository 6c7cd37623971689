package dev.mooring.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

/** Free loopback ports, and waiting until a started process listens on one. */
public final class FreePort {

    private FreePort() {
    }

    /** A loopback port free right now (another process may still take it before it is bound). */
    public static int pick() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Waits up to 30 s until {@code process} accepts connections on {@code port}; fails at once if it exited. */
    public static void awaitListening(int port, Process process, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(what + " exited with " + process.exitValue());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(what + " does not listen on " + port);
                }
                try {
                    process.waitFor(50, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }
}

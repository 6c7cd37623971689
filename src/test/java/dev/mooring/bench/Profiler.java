package dev.mooring.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * async-profiler (its library from the Maven artifact, {@code bench.profiler}) loaded into the running service with
 * {@code jcmd JVMTI.agent_load} around one load, so that start-up and warm-up stay out of the profile. Writes the
 * load's collapsed stacks and its chunk count to {@code bench.profileDir}; without {@code bench.profiler} it does nothing.
 */
final class Profiler {

    private final String library;
    private final Path dir;

    private Profiler(String library, Path dir) {
        this.library = library;
        this.dir = dir;
    }

    static Profiler fromProperties() {
        String library = System.getProperty("bench.profiler", "");
        return new Profiler(library.isBlank() ? null : Path.of(library).toAbsolutePath().toString(),
                Path.of(System.getProperty("bench.profileDir", "target/bench-profile")).toAbsolutePath());
    }

    void start(long pid) throws IOException, InterruptedException {
        if (library != null) {
            jcmd(pid, "start,event=cpu,interval=1000000,threads");
        }
    }

    /** Stops profiling and writes {@code <load>.collapsed} and {@code <load>.meta} (chunks, service CPU seconds). */
    void stop(long pid, ChatLoad.Load load, long chunks, double cpuSeconds) throws IOException, InterruptedException {
        if (library == null) {
            return;
        }
        Files.createDirectories(dir);
        String name = load.answers() + "x" + load.chunks() + "x" + load.perSecond();
        jcmd(pid, "stop,threads,collapsed,file=" + dir.resolve(name + ".collapsed"));
        Files.writeString(dir.resolve(name + ".meta"), String.format(Locale.ROOT,
                "chunks=%d%ncpuSeconds=%.2f%nanswers=%d%nchunksPerAnswer=%d%nperSecond=%d%n", chunks, cpuSeconds,
                load.answers(), load.chunks(), load.perSecond()));
    }

    private void jcmd(long pid, String options) throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        // quoted, or jcmd would read the options' '=' as its own name=value arguments
        Process p = new ProcessBuilder(jcmd, String.valueOf(pid), "JVMTI.agent_load", library, '"' + options + '"')
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0 || !output.contains("return code: 0")) {
            throw new IllegalStateException("async-profiler " + options + ": " + output);
        }
    }
}

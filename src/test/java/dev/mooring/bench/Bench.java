package dev.mooring.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The benchmarks' one entry point: {@code Bench <table> <out.md>} measures one table against servers it starts as
 * processes of their own (the packaged service, Jupyter Server), drives them over the wire from this JVM (model
 * server and WebSocket clients), and writes the table as Markdown. Tables: {@code latency}, {@code proxy},
 * {@code sessions}, {@code memory}, {@code answers}, {@code compare}, {@code scale}. Run by {@code scripts/bench.sh}; settings are system
 * properties named in bench/README.md.
 */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[1]);
        Path work = Files.createTempDirectory(Files.createDirectories(Path.of(System.getProperty("bench.workDir",
                "target/bench-work"))).toAbsolutePath(), args[0] + "-");
        String table;
        try (BenchModelServer model = new BenchModelServer()) {
            table = switch (args[0]) {
                case "latency" -> Streaming.latency(model, work);
                case "proxy" -> Streaming.proxy(model, work);
                case "sessions" -> Sessions.table(model, work);
                case "memory" -> Memory.table(model, work);
                case "answers" -> Answers.table(model, work);
                case "compare" -> Compare.table(model, work);
                case "scale" -> Scale.table(model, work);
                default -> throw new IllegalArgumentException("unknown table " + args[0]);
            };
        }
        Files.writeString(out, table);
        System.exit(0);
    }

    /** Loads from the system property {@code name} ({@code answers x chunks x chunks-per-second}, comma-separated). */
    static List<ChatLoad.Load> loads(String name, String defaults) {
        return Arrays.stream(System.getProperty(name, defaults).split(",")).map(ChatLoad.Load::parse).toList();
    }

    /** Sizes from the system property {@code name} (comma-separated numbers). */
    static int[] sizes(String name, String defaults) {
        return Arrays.stream(System.getProperty(name, defaults).split(",")).mapToInt(s -> Integer.parseInt(s.trim()))
                .toArray();
    }
}

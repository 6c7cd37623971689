package dev.mooring.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Mooring beside mito-ai (installed from PyPI, run in Jupyter Server with OpenAI's base URL pointed at the same
 * model server), driven with the same workload: idle sessions per GiB, chunks per CPU-second, latency at equal load,
 * first chunk, and what each keeps when a socket is cut mid-answer.
 */
final class Compare {

    private Compare() {
    }

    /** One server's figures. */
    private record Side(double kbPerSession, ChatLoad.Result flat, List<ChatLoad.Result> paced, String reset,
            String cleanClose) {
    }

    static String table(BenchModelServer model, Path work) throws Exception {
        int sessions = Integer.getInteger("bench.compareSessions", 5000);
        ChatLoad.Load flat = ChatLoad.Load.parse(System.getProperty("bench.compareFlat", "20x1000x0"));
        List<ChatLoad.Load> paced = Bench.loads("bench.loads", "10x200x20,100x200x20");
        Path venv = Path.of(System.getProperty("bench.mitoVenv", "target/bench-mito-venv")).toAbsolutePath();
        HttpClient http = HttpClient.newHttpClient();
        Side mooring;
        Side mito;
        try (Services.Running service = Services.mooring(work.resolve("service"), model.baseUrl(), Map.of())) {
            URI uri = Services.chatUri(service);
            mooring = measure(http, service.process(), uri, Dialect.mooring(uri), sessions, flat, paced,
                    new CutMidAnswer.Mooring(service, http), true);
        }
        try (Services.Running jupyter = Services.jupyter(venv, work.resolve("mito"), List.of(),
                Map.of("OPENAI_API_KEY", "sk-bench", "OPENAI_BASE_URL", model.baseUrl()))) {
            URI uri = URI.create("ws://127.0.0.1:" + jupyter.port() + "/mito-ai/completions?token=" + Services.TOKEN);
            mito = measure(http, jupyter.process(), uri, Dialect.mitoAi(uri), sessions, flat, paced,
                    new CutMidAnswer.MitoAi(uri), false);
        }
        Table table = new Table("measure", "Mooring", "mito-ai", "Mooring's advantage");
        table.row("idle sessions per GiB of resident memory (" + sessions + " held)", perGiB(mooring), perGiB(mito),
                ratio(perGiB(mooring), perGiB(mito)));
        table.row("flat out, " + flat.answers() + " answers x " + flat.chunks() + " chunks: delivered chunks/s",
                mooring.flat.perSecond(), mito.flat.perSecond(), ratio(mooring.flat.perSecond(), mito.flat.perSecond()));
        table.row("flat out: chunks per CPU-second of the server (one core's worth)", perCpuSecond(mooring.flat),
                perCpuSecond(mito.flat), ratio(perCpuSecond(mooring.flat), perCpuSecond(mito.flat)));
        for (int i = 0; i < paced.size(); i++) {
            ChatLoad.Result m = mooring.paced.get(i);
            ChatLoad.Result x = mito.paced.get(i);
            String load = paced.get(i).answers() + " answers x " + paced.get(i).perSecond() + " chunks/s";
            table.row(load + ": model server to client, p50 / p99 / max (ms)", Percentiles.of(m.latencyMs(), true),
                    Percentiles.of(x.latencyMs(), true), ratio(Percentiles.p99(x.latencyMs()), Percentiles.p99(m.latencyMs())));
            table.row(load + ": first chunk added by the server, p50 / p99 (ms)", Percentiles.of(m.firstChunkAddedMs(), false),
                    Percentiles.of(x.firstChunkAddedMs(), false),
                    ratio(Percentiles.p99(x.firstChunkAddedMs()), Percentiles.p99(m.firstChunkAddedMs())));
        }
        table.row("socket cut by a TCP reset mid-answer", mooring.reset, mito.reset, "");
        table.row("socket closed cleanly mid-answer", mooring.cleanClose, mito.cleanClose, "");
        return table.toString();
    }

    private static Side measure(HttpClient http, ServerProcess server, URI uri, Dialect dialect, int sessions,
            ChatLoad.Load flat, List<ChatLoad.Load> paced, CutMidAnswer cut, boolean jvm) throws Exception {
        // a JVM keeps garbage until it collects (Python frees at once): collect before each reading
        if (jvm) {
            Sessions.liveHeap(server.pid());
        }
        long rss0 = server.residentBytes();
        List<ChatLoad.Client> idle = ChatLoad.connect(http, Dialect.idle(uri), sessions);
        ServerProcess.pause(3000);
        if (jvm) {
            Sessions.liveHeap(server.pid());
        }
        double kb = (server.residentBytes() - rss0) / 1024.0 / sessions;
        ChatLoad.abort(idle);
        Streaming.warmUp(http, dialect);
        ChatLoad.Result flatOut = ChatLoad.run(http, dialect, flat, new CpuMeter(server.pid()));
        List<ChatLoad.Result> results = new java.util.ArrayList<>();
        for (ChatLoad.Load load : paced) {
            results.add(ChatLoad.run(http, dialect, load, new CpuMeter(server.pid())));
        }
        return new Side(kb, flatOut, results, cut.run(true), cut.run(false));
    }

    private static double perGiB(Side side) {
        return 1024 * 1024 / side.kbPerSession;
    }

    private static double perCpuSecond(ChatLoad.Result result) {
        return result.chunks() / result.cpu().cpuSeconds()[0];
    }

    /** {@code better / worse} to two significant digits: 38x, 2.5x, 0.033x. */
    private static String ratio(double better, double worse) {
        return new java.math.BigDecimal(better / worse).round(new java.math.MathContext(2)).toPlainString() + "x";
    }
}

package dev.mooring.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Streaming tables: answers at once against the service (latency), and the same through the Jupyter proxy (proxy). */
final class Streaming {

    private Streaming() {
    }

    /** Concurrent answers against the service: delivered chunks, per-chunk latency, first chunk, CPU. */
    static String latency(BenchModelServer model, Path work) throws Exception {
        List<ChatLoad.Load> loads = Bench.loads("bench.loads", "10x200x20,100x200x20,1000x200x20,2000x200x20,40x1000x0");
        Table table = new Table("answers at once", "chunks per answer", "chunks/s offered", "chunks/s delivered",
                "answers failed", "model server to client, p50 / p99 / max (ms)",
                "first chunk added by the service, p50 / p99 (ms)", "of which question stored (accepted), p50 / p99 (ms)",
                "service CPU per 1,000 chunks (ms)",
                "service busy (% of a core)", "service threads waiting for a CPU (average)",
                "load CPU per 1,000 chunks (ms)");
        List<String> groups = new ArrayList<>(ThreadCpu.GROUPS.keySet());
        groups.add(ThreadCpu.REST);
        List<String> headers = new ArrayList<>(List.of("answers at once", "chunks/s offered"));
        groups.forEach(g -> headers.add(g + " (ms per 1,000 chunks)"));
        Table threads = new Table(headers.toArray(String[]::new));
        Profiler profiler = Profiler.fromProperties();
        try (Services.Running service = Services.mooring(work.resolve("service"), model.baseUrl(), Map.of())) {
            HttpClient http = HttpClient.newHttpClient();
            Dialect direct = Dialect.mooring(Services.chatUri(service));
            warmUp(http, direct);
            for (ChatLoad.Load load : loads) {
                profiler.start(service.process().pid());
                ChatLoad.Result r = ChatLoad.run(http, direct, load, new CpuMeter(service.process().pid()));
                profiler.stop(service.process().pid(), load, r.chunks(), r.cpu().cpuSeconds()[0]);
                table.row(load.answers(), load.chunks(), load.offered(), r.perSecond(), failures(r),
                        Percentiles.of(r.latencyMs(), true), Percentiles.of(r.firstChunkAddedMs(), false),
                        Percentiles.of(r.acceptedMs(), false), r.cpu().msPerThousand(0, r.chunks()),
                        r.cpu().percentOfCore(0), r.cpu().waitingThreads(0),
                        r.cpu().loadMsPerThousand(r.chunks()));
                List<Object> row = new ArrayList<>(List.of(load.answers(), load.offered()));
                groups.forEach(g -> row.add(r.cpu().firstByThreads().get(g) * 1e6 / r.chunks()));
                threads.row(row.toArray());
            }
        }
        return table + "\nThe service's CPU per 1,000 chunks by thread, from /proc/<pid>/task (no profiler):\n\n" + threads;
    }

    /** The same loads directly and through Jupyter's proxy ({@code <base_url>mooring/api/chat}) to one service. */
    static String proxy(BenchModelServer model, Path work) throws Exception {
        List<ChatLoad.Load> loads = Bench.loads("bench.loads", "1x200x50,10x200x50,100x200x50,10x1000x0");
        Table table = new Table("answers at once", "chunks/s offered", "direct: delivered/s, p50 / p99 / max (ms)",
                "through Jupyter: delivered/s, p50 / p99 / max (ms)", "p99 added by the proxy (ms)",
                "Jupyter CPU per 1,000 chunks (ms)", "answers failed, direct / through Jupyter");
        Path venv = Path.of(System.getProperty("bench.labVenv", "frontend-extension/.venv")).toAbsolutePath();
        try (Services.Running service = Services.mooring(work.resolve("service"), model.baseUrl(), Map.of());
                Services.Running jupyter = Services.jupyter(venv, work.resolve("jupyter"), List.of(
                        "--ServerApp.jpserver_extensions={\"mooring_jupyterlab\": True}",
                        "--MooringExtension.managed=False",
                        "--MooringExtension.service_port=" + service.port(),
                        "--MooringExtension.service_token=" + Services.TOKEN), Map.of())) {
            HttpClient http = HttpClient.newHttpClient();
            Dialect direct = Dialect.mooring(Services.chatUri(service));
            Dialect proxied = Dialect.mooring(URI.create("ws://127.0.0.1:" + jupyter.port() + "/mooring/api/chat?token="
                    + Services.TOKEN));
            warmUp(http, direct);
            warmUp(http, proxied);
            for (ChatLoad.Load load : loads) {
                ChatLoad.Result d = ChatLoad.run(http, direct, load, new CpuMeter(service.process().pid()));
                ChatLoad.Result p = ChatLoad.run(http, proxied, load, new CpuMeter(jupyter.process().pid()));
                table.row(load.answers(), load.offered(),
                        Table.format(d.perSecond()) + ", " + Percentiles.of(d.latencyMs(), true),
                        Table.format(p.perSecond()) + ", " + Percentiles.of(p.latencyMs(), true),
                        Percentiles.p99(p.latencyMs()) - Percentiles.p99(d.latencyMs()),
                        p.cpu().msPerThousand(0, p.chunks()), failures(d) + " / " + failures(p));
            }
        }
        return table.toString();
    }

    /** How many answers failed, with the error code (or the start of the frame) the first one received. */
    static String failures(ChatLoad.Result r) {
        if (r.failed() == 0) {
            return "0";
        }
        String error = r.firstError();
        String what = error.contains("\"code\":\"") ? Dialect.stringField(error, "code")
                : error.substring(0, Math.min(80, error.length())).replace("|", "/");
        return r.failed() + " (" + what + ")";
    }

    /** A few small loads, so that the JIT has compiled the path before anything is measured. */
    static void warmUp(HttpClient http, Dialect dialect) throws Exception {
        for (String spec : System.getProperty("bench.warmUp", "20x50x50,10x300x0,200x100x20").split(",")) {
            ChatLoad.run(http, dialect, ChatLoad.Load.parse(spec), new CpuMeter());
        }
    }
}

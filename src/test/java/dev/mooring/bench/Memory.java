package dev.mooring.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Heap per answer: running (half-way through its chunks) and finished but kept hot for resumes
 * ({@code chat.completions.retain-after-end}), each as used heap after a full GC minus the same before the load, on
 * a fresh service per load; beside it the hot window's own estimate ({@code mooring_completions_retained_bytes}) and
 * what a steady 1,000 answers per minute would hold with the default 5 minutes kept hot.
 */
final class Memory {

    private static final Pattern RETAINED = Pattern.compile("(?m)^mooring_completions_retained_bytes(?:\\{[^}]*})? (\\S+)");

    private Memory() {
    }

    static String table(BenchModelServer model, Path work) throws Exception {
        Table table = new Table("answers at once", "chunks per answer", "answer text (KB)",
                "heap per running answer, half-way (KB)", "heap per finished answer kept hot (KB)",
                "hot window's estimate per finished answer (KB)",
                "1,000 answers a minute, 5 min kept hot: heap held (MB)", "answers failed");
        int run = 0;
        for (ChatLoad.Load load : Bench.loads("bench.memoryLoads", "500x400x20,200x2000x50")) {
            // kept hot for the whole measurement, and no byte bound in the way: what each answer costs
            Map<String, String> env = Map.of("CHAT_COMPLETIONS_RETAIN_AFTER_END", "1h",
                    "CHAT_COMPLETIONS_RETAIN_MAX_BYTES", "4294967296");
            try (Services.Running service = Services.mooring(work.resolve("service-" + run++), model.baseUrl(), env)) {
                ServerProcess process = service.process();
                HttpClient http = HttpClient.newHttpClient();
                Dialect dialect = Dialect.mooring(Services.chatUri(service));
                ChatLoad.abort(ChatLoad.connect(http, dialect, 100)); // warm the upgrade path
                ServerProcess.pause(2000);
                long heap0 = Sessions.liveHeap(process.pid());
                CompletableFuture<ChatLoad.Result> answers = CompletableFuture.supplyAsync(() -> {
                    try {
                        return ChatLoad.run(http, dialect, load, new CpuMeter(process.pid()));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                // the questions are spread over 2 s; then half of each answer's chunks
                ServerProcess.pause(2000 + 500L * load.chunks() / load.perSecond());
                long running = Sessions.liveHeap(process.pid()) - heap0;
                ChatLoad.Result result = answers.join();
                // a refused question (retryable; these clients do not send again) holds nothing
                int answered = load.answers() - result.failed();
                ServerProcess.pause(2000);
                long finished = Sessions.liveHeap(process.pid()) - heap0;
                double estimate = retainedBytes(service);
                double textKb = load.chunks() * 17 / 1024.0;
                double perRunningKb = running / 1024.0 / answered;
                double perFinishedKb = finished / 1024.0 / answered;
                // 1,000 a minute for 5 minutes kept hot, and those running at any moment (each lasts chunks / rate s)
                double runningAtOnce = 1000 / 60.0 * load.chunks() / load.perSecond();
                double steadyMb = (5000 * perFinishedKb + runningAtOnce * perRunningKb) / 1024;
                table.row(load.answers(), load.chunks(), textKb, perRunningKb, perFinishedKb,
                        estimate / 1024 / answered, steadyMb, result.failed() == 0 ? "0"
                                : result.failed() + " (" + result.firstError() + ")");
            }
        }
        return table.toString();
    }

    private static double retainedBytes(Services.Running service) throws Exception {
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + service.port() + "/q/metrics")).header("Authorization", "Bearer " + Services.TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = RETAINED.matcher(metrics.body());
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }
}

package dev.mooring.bench;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Idle sessions (connected, answering heartbeats, asking nothing): heap and resident memory per session, and the
 * service's CPU with them open over {@code bench.heartbeatSeconds}, beside the same window without any session.
 */
final class Sessions {

    private Sessions() {
    }

    static String table(BenchModelServer model, Path work) throws Exception {
        int[] steps = Bench.sizes("bench.sessions", "1000,5000,10000,19000");
        long window = Long.getLong("bench.heartbeatSeconds", 30);
        Table table = new Table("idle sessions", "service heap per session (KB)", "service resident memory per session (KB)",
                "service CPU with the sessions open (% of a core)",
                "above the service without sessions, per 1,000 sessions (% of a core)");
        try (Services.Running service = Services.mooring(work.resolve("service"), model.baseUrl(), Map.of())) {
            ServerProcess process = service.process();
            HttpClient http = HttpClient.newHttpClient();
            Dialect dialect = Dialect.mooring(Services.chatUri(service));
            ChatLoad.abort(ChatLoad.connect(http, dialect, 100)); // warm the upgrade path
            ServerProcess.pause(2000);
            long heap0 = liveHeap(process.pid());
            long rss0 = process.residentBytes();
            double quiet = new CpuMeter(process.pid()).start().waitAndStop(window).percentOfCore(0);
            List<ChatLoad.Client> open = new ArrayList<>();
            try {
                for (int n : steps) {
                    open.addAll(ChatLoad.connect(http, dialect, n - open.size()));
                    long heap = liveHeap(process.pid()) - heap0;
                    long rss = process.residentBytes() - rss0;
                    CpuMeter.Reading idle = new CpuMeter(process.pid()).start().waitAndStop(window);
                    table.row(n, heap / 1024.0 / n, rss / 1024.0 / n, idle.percentOfCore(0),
                            (idle.percentOfCore(0) - quiet) * 1000 / n);
                }
            } finally {
                ChatLoad.abort(open);
            }
        }
        return table.toString();
    }

    /** Used heap of {@code pid} in bytes right after a full collection, read with jcmd. */
    static long liveHeap(long pid) throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        new ProcessBuilder(jcmd, String.valueOf(pid), "GC.run").redirectErrorStream(true).start().waitFor();
        Process p = new ProcessBuilder(jcmd, String.valueOf(pid), "GC.heap_info").redirectErrorStream(true).start();
        String info = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        Matcher m = Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("cannot read the heap of " + pid + ": " + info);
        }
        return Long.parseLong(m.group(2)) * 1024;
    }
}

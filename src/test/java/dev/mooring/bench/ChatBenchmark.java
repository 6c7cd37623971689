package dev.mooring.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.testing.WsClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Measures a running service (demo model, as fast as it goes): chunks delivered per second with durable progress on,
 * and the time a resume takes to deliver a 1,000-chunk backlog, from memory and from the database. Run by
 * {@code scripts/bench.sh}, which starts the service; writes Markdown to the file named by the third argument.
 */
public final class ChatBenchmark {

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String token = args[1];
        Path out = Path.of(args[2]);
        int clients = Integer.parseInt(System.getProperty("bench.clients", "40"));
        int rounds = Integer.parseInt(System.getProperty("bench.rounds", "3"));
        int resumes = Integer.parseInt(System.getProperty("bench.resumes", "200"));
        StringBuilder report = new StringBuilder();
        report.append("| measure | value |\n| --- | --- |\n");

        // Warm-up, then throughput: every client asks, all answers stream at once.
        throughput(base, token, 8, 1);
        long chunks = 0;
        long start = System.nanoTime();
        List<String> completed = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            Result result = throughput(base, token, clients, 1);
            chunks += result.chunks;
            completed.addAll(result.completionIds);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        row(report, "concurrent answers", clients + " (x" + rounds + " rounds)");
        row(report, "chunks delivered", String.valueOf(chunks));
        row(report, "chunks per second (durable progress on)", String.format(Locale.ROOT, "%.0f", chunks / seconds));

        // Resume with a 1,000-chunk backlog, served from memory (recently finished answers), after a warm-up.
        resumeTimes(base, token, completed, resumes / 4);
        double[] memory = resumeTimes(base, token, completed, resumes);
        row(report, "resume of 1,000 chunks from memory, p50 / p99 (ms)", Percentiles.of(memory, false));
        System.out.println("waiting for the memory log to expire (CHAT_COMPLETIONS_RETAIN_AFTER_END)…");
        Thread.sleep(Long.getLong("bench.retainMillis", 2500));
        double[] stored = resumeTimes(base, token, completed, resumes);
        row(report, "resume of 1,000 chunks from the database, p50 / p99 (ms)", Percentiles.of(stored, false));
        if (args.length > 3) {
            sessions(base, token, Long.parseLong(args[3]), Integer.getInteger("bench.sessions", 2000), report);
        }
        Files.writeString(out, report.toString());
        System.out.print(report);
    }

    private record Result(long chunks, List<String> completionIds) {
    }

    /** Every client asks once and counts the chunk frames of its answer until {@code done}. */
    private static Result throughput(String base, String token, int clients, int perClient) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        List<java.util.concurrent.CompletableFuture<String>> answers = new ArrayList<>();
        java.util.concurrent.atomic.AtomicLong chunks = new java.util.concurrent.atomic.AtomicLong();
        List<java.net.http.WebSocket> sockets = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            java.util.concurrent.CompletableFuture<String> done = new java.util.concurrent.CompletableFuture<>();
            answers.add(done);
            java.net.http.WebSocket ws = http.newWebSocketBuilder().buildAsync(WsClient.chatUri(base, token),
                    new FrameListener() {
                        private String completionId;

                        @Override
                        void onFrame(String f, long nanos) {
                            if (is(f, "chunk")) {
                                chunks.incrementAndGet();
                            } else if (is(f, "accepted")) {
                                int i = f.indexOf("\"completionId\":\"") + 16;
                                completionId = f.substring(i, f.indexOf('"', i));
                            } else if (is(f, "done")) {
                                done.complete(completionId);
                            }
                        }
                    }).join();
            sockets.add(ws);
        }
        for (int i = 0; i < sockets.size(); i++) {
            sockets.get(i).sendText(WsClient.chatFrame(java.util.UUID.randomUUID().toString(), null,
                    "benchmark question " + i).toString(), true).join();
        }
        List<String> ids = new ArrayList<>();
        for (java.util.concurrent.CompletableFuture<String> a : answers) {
            ids.add(a.get(5, java.util.concurrent.TimeUnit.MINUTES));
        }
        sockets.forEach(java.net.http.WebSocket::abort);
        return new Result(chunks.get(), ids);
    }

    private static double[] resumeTimes(String base, String token, List<String> ids, int n) {
        double[] times = new double[n];
        try (WsClient client = WsClient.connect(base, token).answeringPings()) {
            for (int i = 0; i < n; i++) {
                String id = ids.get(i % ids.size());
                long t0 = System.nanoTime();
                client.resume(id, 0);
                JsonNode done = client.collect(id, 0).done();
                times[i] = (System.nanoTime() - t0) / 1e6;
                if (done.path("lastSeq").asLong() != 1000) {
                    throw new AssertionError("expected 1,000 chunks: " + done);
                }
            }
        }
        return times;
    }

    /** Heap the service holds per idle connection: live heap after a full GC, with and without the sessions. */
    private static void sessions(String base, String token, long pid, int n, StringBuilder report) throws Exception {
        long before = liveHeap(pid);
        List<WsClient> open = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                WsClient c = WsClient.connect(base, token).answeringPings();
                c.await("welcome");
                open.add(c);
            }
            long after = liveHeap(pid);
            row(report, "idle heartbeat sessions held", String.valueOf(n));
            row(report, "service heap per idle session (KB)", String.format(Locale.ROOT, "%.1f",
                    (after - before) / 1024.0 / n));
        } finally {
            open.forEach(WsClient::close);
        }
    }

    /** Used heap of {@code pid} in bytes right after a full collection, read with jcmd. */
    private static long liveHeap(long pid) throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        new ProcessBuilder(jcmd, String.valueOf(pid), "GC.run").redirectErrorStream(true).start().waitFor();
        Process p = new ProcessBuilder(jcmd, String.valueOf(pid), "GC.heap_info").redirectErrorStream(true).start();
        String info = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("cannot read the heap of " + pid + ": " + info);
        }
        return Long.parseLong(m.group(2)) * 1024;
    }

    private static void row(StringBuilder report, String measure, String value) {
        report.append("| ").append(measure).append(" | ").append(value).append(" |\n");
    }
}

package dev.mooring.bench;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;

/**
 * Answers of growing length: bytes the checkpoints write per answer (storage writes of the service process for H2,
 * WAL bytes for PostgreSQL), and the time a resume of the whole answer takes from memory and from the database.
 */
final class Answers {

    private Answers() {
    }

    static String table(BenchModelServer model, Path work) throws Exception {
        int[] lengths = Bench.sizes("bench.lengths", "100,1000,10000");
        int atOnce = Integer.getInteger("bench.answersAtOnce", 4);
        int rate = Integer.getInteger("bench.answerRate", 500);
        int resumes = Integer.getInteger("bench.resumes", 20);
        long retainSeconds = Long.getLong("bench.retainSeconds", 20);
        String jdbc = System.getProperty("bench.jdbcUrl", "");
        String db = jdbc.isBlank() ? "H2" : "PostgreSQL";
        Table table = new Table("database", "chunks per answer", "answer text (KB)",
                "written per answer (KB, " + (jdbc.isBlank() ? "storage writes of the service" : "WAL") + ")",
                "written / text", "resume from memory: first chunk, p50 / p99 (ms)", "all chunks, p50 / p99 (ms)",
                "resume from the database: first chunk, p50 / p99 (ms)", "all chunks, p50 / p99 (ms)",
                "connections a resume needed (memory / database)");
        try (Services.Running service = Services.mooring(work.resolve("service"), model.baseUrl(),
                Map.of("CHAT_COMPLETIONS_RETAIN_AFTER_END", retainSeconds + "s"))) {
            HttpClient http = HttpClient.newHttpClient();
            Dialect dialect = Dialect.mooring(Services.chatUri(service));
            Streaming.warmUp(http, dialect);
            for (int length : lengths) {
                long before = jdbc.isBlank() ? service.process().storageWriteBytes() : walBytes(jdbc);
                ChatLoad.Result run = ChatLoad.run(http, dialect, new ChatLoad.Load(atOnce, length, rate), new CpuMeter());
                long written = (jdbc.isBlank() ? service.process().storageWriteBytes() : walBytes(jdbc)) - before;
                int text = storedTextLength(http, service, run.completionIds().get(0), length);
                Resumes memory = Resumes.measure(http, Services.chatUri(service), run.completionIds(), resumes, length);
                ServerProcess.pause((retainSeconds + 2) * 1000);
                Resumes stored = Resumes.measure(http, Services.chatUri(service), run.completionIds(), resumes, length);
                double perAnswer = written / (double) atOnce;
                table.row(db, length, text / 1024.0, perAnswer / 1024.0, perAnswer / text,
                        Percentiles.of(memory.firstChunkMs(), false), Percentiles.of(memory.allMs(), false),
                        Percentiles.of(stored.firstChunkMs(), false), Percentiles.of(stored.allMs(), false),
                        memory.connections() + " / " + stored.connections());
            }
        }
        return table.toString();
    }

    /** The length in UTF-8 bytes of the stored answer, checking that it is complete. */
    private static int storedTextLength(HttpClient http, Services.Running service, String id, int chunks) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create(service.httpBase() + "/api/completions/" + id))
                .header("Authorization", "Bearer " + Services.TOKEN).build(), HttpResponse.BodyHandlers.ofString()).body();
        var completion = new ObjectMapper().readTree(body);
        if (completion.path("lastSeq").asInt() != chunks || !"completed".equals(completion.path("status").asText())) {
            throw new IllegalStateException("incomplete answer: " + body.substring(0, Math.min(300, body.length())));
        }
        return completion.path("text").asText().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    /** The PostgreSQL cluster's WAL position in bytes (the bench runs its own cluster, so only the service writes). */
    private static long walBytes(String jdbc) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbc, System.getProperty("bench.jdbcUser", "mooring"),
                System.getProperty("bench.jdbcPassword", "mooring"));
                ResultSet rs = c.createStatement().executeQuery(
                        "SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::bigint")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

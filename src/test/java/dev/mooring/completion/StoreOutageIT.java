package dev.mooring.completion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.testing.FakeOpenAiServer;
import dev.mooring.testing.FakeOpenAiServer.Reply;
import dev.mooring.testing.PostgresCluster;
import dev.mooring.testing.ServiceProcess;
import dev.mooring.testing.WsClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The packaged service while its database cannot store anything: on H2 the disk is full (the service may not write
 * its database file past one byte, as {@code prlimit --fsize} sets), on PostgreSQL the server is stopped. An answer
 * that ends meanwhile stays running in memory and no client hears that it ended until its end is stored; readiness
 * says DOWN; once the store is back the end is told as stored and new questions work, with nothing restarted.
 */
class StoreOutageIT {

    private static final Duration OUTAGE_WAIT = Duration.ofSeconds(60);

    /** Makes the store refuse every write, then lets it work again. */
    private interface Outage {
        void begin();

        void end();
    }

    private FakeOpenAiServer model;
    private ServiceProcess service;
    private PostgresCluster postgres;
    private Outage outage;

    @BeforeEach
    void start() throws IOException {
        model = FakeOpenAiServer.start();
        service = new ServiceProcess(Files.createTempDirectory("mooring-outage"), model.baseUrl());
        if ("postgresql".equals(System.getProperty("quarkus.datasource.db-kind"))) {
            String unavailable = PostgresCluster.unavailableBecause();
            assumeTrue(unavailable == null, "skipped: " + unavailable);
            postgres = PostgresCluster.create();
            service.env("QUARKUS_DATASOURCE_JDBC_URL", postgres.jdbcUrl());
            outage = new Outage() {
                public void begin() {
                    postgres.stop();
                }

                public void end() {
                    postgres.start();
                }
            };
        } else {
            outage = new Outage() {
                private long pid;

                public void begin() {
                    pid = service.pid();
                    prlimit(pid, "1:");
                }

                public void end() {
                    if (service.alive() && service.pid() == pid) {
                        prlimit(pid, "unlimited:");
                    }
                }
            };
        }
        service.start();
    }

    @AfterEach
    void stop() {
        if (service != null) {
            service.kill();
        }
        model.close();
        if (postgres != null) {
            postgres.close();
        }
    }

    private static void prlimit(long pid, String fileSize) {
        try {
            Process p = new ProcessBuilder("prlimit", "--pid", String.valueOf(pid), "--fsize=" + fileSize)
                    .inheritIO().start();
            assertEquals(0, p.waitFor(), "prlimit failed");
        } catch (IOException e) {
            throw new IllegalStateException("prlimit (util-linux) is needed to fill the disk", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Asks, lets two chunks out and waits until they are in the database; returns the completion id. */
    private String askAndStoreTwoChunks(WsClient client, Reply reply) {
        client.chat("answered through an outage");
        String id = client.await("accepted").path("completionId").asText();
        reply.release(2);
        client.chunks(id, 2);
        await().until(() -> service.completion(id).path("durableSeq").asLong() == 2);
        return id;
    }

    private void beginOutageAndEndTheAnswer(Reply reply) {
        outage.begin();
        await().atMost(OUTAGE_WAIT).until(() -> service.status("/q/health/ready") == 503);
        assertEquals(200, service.status("/q/health/live"), "liveness stays UP");
        reply.releaseAll();
        await().atMost(OUTAGE_WAIT).until(() -> service.body("/q/metrics").contains("mooring_completions_ending 1.0"));
    }

    private static void assertNoDone(WsClient client, String id) {
        List<JsonNode> received = client.received();
        assertTrue(received.stream().noneMatch(f -> "done".equals(f.path("type").asText())
                && id.equals(f.path("completionId").asText())), "told it ended before its end was stored: " + received);
    }

    @Test
    void anAnswerEndedWhileItsStoreIsDownIsToldOnlyOnceStoredAndTheServiceRecovers() {
        Reply reply = model.enqueue(Reply.stream("kept ", "while ", "the ", "store ", "is ", "down").gated());
        try (WsClient client = WsClient.connect(service.baseUrl(), ServiceProcess.TOKEN).answeringPings();
             WsClient other = WsClient.connect(service.baseUrl(), ServiceProcess.TOKEN).answeringPings()) {
            String id = askAndStoreTwoChunks(client, reply);
            beginOutageAndEndTheAnswer(reply);

            JsonNode meanwhile = service.completion(id);
            assertEquals("running", meanwhile.path("status").asText(), meanwhile.toString());
            assertEquals(6, meanwhile.path("lastSeq").asLong());
            // a full disk may still take a checkpoint that fits in the file's free pages; never the end, never more
            long durable = meanwhile.path("durableSeq").asLong();
            assertTrue(durable >= 2 && durable <= 6, meanwhile.toString());
            other.resume(id, 0);
            assertEquals(6, other.chunks(id, 6).size(), "a resume meanwhile gets the text from memory");
            client.chunks(id, 4);
            assertNoDone(client, id);
            assertNoDone(other, id);

            outage.end();
            JsonNode done = client.await("done");
            assertEquals("completed", done.path("status").asText());
            assertEquals(6, done.path("lastSeq").asLong());
            assertEquals("completed", other.await("done").path("status").asText());
            JsonNode stored = service.completion(id);
            assertEquals("completed", stored.path("status").asText());
            assertEquals("kept while the store is down", stored.path("text").asText());
            assertEquals(6, stored.path("durableSeq").asLong());

            await().atMost(OUTAGE_WAIT).until(() -> service.status("/q/health/ready") == 200);
            client.chat("after the outage");
            String next = client.await("accepted").path("completionId").asText();
            assertEquals("completed", client.collect(next, 0).done().path("status").asText());
        }
    }

    @Test
    void killedWhileItsEndCannotBeStoredTheClientIsToldWhatWasStored() {
        Reply reply = model.enqueue(Reply.stream("stored ", "before ", "the ", "kill").gated());
        String id;
        try (WsClient client = WsClient.connect(service.baseUrl(), ServiceProcess.TOKEN).answeringPings()) {
            id = askAndStoreTwoChunks(client, reply);
            beginOutageAndEndTheAnswer(reply);
            client.chunks(id, 2);
            assertNoDone(client, id);
            service.kill();
            assertEquals(1006, client.awaitClose());
            assertNoDone(client, id);
        }
        outage.end();
        service.start();
        JsonNode stored = service.completion(id);
        assertEquals("interrupted", stored.path("status").asText());
        assertEquals(2, stored.path("lastSeq").asLong());
        assertEquals("stored before ", stored.path("text").asText());
        try (WsClient client = WsClient.connect(service.baseUrl(), ServiceProcess.TOKEN)) {
            client.resume(id, 0);
            WsClient.Answer told = client.collect(id, 0);
            assertEquals("stored before ", told.text());
            assertEquals("interrupted", told.done().path("status").asText());
            assertEquals(2, told.done().path("lastSeq").asLong());
        }
    }
}

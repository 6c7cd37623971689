package dev.mooring.config;

import dev.mooring.testing.FakeOpenAiServer;
import dev.mooring.testing.ServiceProcess;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The packaged service started with a relative {@code CHAT_DATA_DIR} keeps its embedded database there. */
class RelativeDataDirIT {

    @Test
    void aRelativeDataDirHoldsTheEmbeddedDatabase() throws Exception {
        assumeTrue(System.getProperty("quarkus.datasource.jdbc.url", "").isBlank(), "the embedded database only");
        Path relative = Path.of("target", "relative-data-" + UUID.randomUUID());
        Files.createDirectories(relative);
        try (FakeOpenAiServer model = FakeOpenAiServer.start()) {
            ServiceProcess service = new ServiceProcess(relative, model.baseUrl());
            try {
                service.start(); // fails when the service exits, as it did when H2 refused the relative path
                assertTrue(Files.exists(relative.resolve("mooring.mv.db")), "the database is in " + relative);
            } finally {
                service.kill();
            }
        }
    }
}

package dev.mooring.settings;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The settings file: owner-only, replaced whole, and never half read. */
class ModelSettingsFileTest {

    @TempDir
    Path dir;

    private final ObjectMapper mapper = new ObjectMapper();

    private static SavedModelSettings openAi(String key) {
        return SavedModelSettings.NONE.with("openai",
                new SavedModelSettings.Profile("gpt-4o", "http://127.0.0.1:9/v1", key));
    }

    @Test
    void savedSettingsAreReadBackAndOnlyTheirOwnerCanReadThem() throws IOException {
        ModelSettingsFile file = new ModelSettingsFile(dir, mapper);

        file.write(openAi("sk-first"));
        file.write(openAi("sk-second"));

        assertEquals(openAi("sk-second"), file.read());
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file.path()));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
    }

    @Test
    void aFileThatCannotBeReadMeansNoSavedSettings() throws IOException {
        ModelSettingsFile file = new ModelSettingsFile(dir, mapper);
        assertFalse(file.read().present());

        Files.writeString(file.path(), "");
        assertFalse(file.read().present());
        Files.writeString(file.path(), "{\"provider\":\"openai\",\"profiles\":");
        assertFalse(file.read().present());
        Files.writeString(file.path(), "[1,2]");
        assertFalse(file.read().present());
    }

    @Test
    void aWriteThatFailsLeavesNoTemporaryFile() throws IOException {
        ModelSettingsFile file = new ModelSettingsFile(dir, mapper);
        Files.createDirectories(file.path().resolve("in-the-way"));

        assertThrows(IOException.class, () -> file.write(openAi("sk-x")));

        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "only the directory in the way");
        }
    }

    @Test
    void noKeyShowsInTheTextOfSettings() {
        assertFalse(openAi("sk-secret-1234").toString().contains("sk-secret"));
        assertFalse(new ModelSettingsViews.Change("openai", null, null, "sk-secret-1234").toString()
                .contains("sk-secret"));
        assertFalse(new dev.mooring.model.ModelSetup("openai", null, null, "sk-secret-1234").toString()
                .contains("sk-secret"));
        assertTrue(openAi("k").profiles().keySet().containsAll(Map.of("openai", 1).keySet()));
    }
}

package dev.mooring.settings;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.config.PrivateDataDir;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The saved model settings in {@code <data-dir>/model-settings.json}: readable by its owner only (0600), replaced
 * whole and atomically (a temporary file, synced, then renamed over it), so a crash or a full disk leaves the
 * previous settings or the new ones, never half of them.
 */
final class ModelSettingsFile {

    static final String NAME = "model-settings.json";
    private static final Logger LOG = Logger.getLogger(ModelSettingsFile.class);

    private final Path file;
    private final ObjectMapper mapper;

    ModelSettingsFile(Path dataDir, ObjectMapper mapper) {
        this.file = dataDir.resolve(NAME);
        this.mapper = mapper;
    }

    Path path() {
        return file;
    }

    /** The saved settings; none when there is no file, or one that cannot be read (logged, never with its content). */
    SavedModelSettings read() {
        try {
            byte[] bytes = Files.readAllBytes(file);
            SavedModelSettings saved = mapper.readValue(bytes, SavedModelSettings.class);
            return saved == null ? SavedModelSettings.NONE : saved;
        } catch (NoSuchFileException absent) {
            return SavedModelSettings.NONE;
        } catch (IOException | RuntimeException e) {
            LOG.warnf("The model settings in %s cannot be read (%s); using the environment's", file,
                    e.getClass().getSimpleName());
            return SavedModelSettings.NONE;
        }
    }

    void write(SavedModelSettings settings) throws IOException {
        Files.createDirectories(file.getParent());
        Path temporary = PrivateDataDir.writeTemporary(file, mapper.writeValueAsBytes(settings));
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
        PrivateDataDir.forceDirectory(file.getParent());
    }

    void delete() throws IOException {
        Files.deleteIfExists(file);
        PrivateDataDir.forceDirectory(file.getParent());
    }
}

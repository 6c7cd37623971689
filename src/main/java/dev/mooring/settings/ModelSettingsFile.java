package dev.mooring.settings;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The saved model settings in {@code <data-dir>/model-settings.json}: readable by its owner only (0600), replaced
 * whole and atomically (a temporary file, synced, then renamed over it), so a crash or a full disk leaves the
 * previous settings or the new ones, never half of them.
 */
final class ModelSettingsFile {

    static final String NAME = "model-settings.json";
    private static final Logger LOG = Logger.getLogger(ModelSettingsFile.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

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
        byte[] bytes = mapper.writeValueAsBytes(settings);
        Path dir = file.getParent();
        Files.createDirectories(dir);
        Path temporary = createPrivate(dir);
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
        syncDirectory(dir);
    }

    void delete() throws IOException {
        Files.deleteIfExists(file);
        syncDirectory(file.getParent());
    }

    private static Path createPrivate(Path dir) throws IOException {
        FileAttribute<Set<PosixFilePermission>> ownerOnly = PosixFilePermissions.asFileAttribute(OWNER_ONLY);
        try {
            return Files.createTempFile(dir, ".model-settings-", ".tmp", ownerOnly);
        } catch (UnsupportedOperationException notPosix) {
            return Files.createTempFile(dir, ".model-settings-", ".tmp");
        }
    }

    /** Makes the rename itself durable; file systems that cannot sync a directory are left as they are. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException ignored) {
            // not supported here (some platforms refuse to open a directory)
        }
    }
}

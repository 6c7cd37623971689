package dev.mooring.config;

import io.quarkus.runtime.Startup;
import io.quarkus.vertx.http.DomainSocketServerStart;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The data directory, made private at start-up: the directory 0700 and every file in it 0600 (the H2 database, the
 * token, the socket), whatever the umask made them.
 */
@Startup
@ApplicationScoped
public class PrivateDataDir {

    static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private final Path path;

    public PrivateDataDir(ChatConfig config) {
        this.path = Path.of(config.dataDir());
        secure(path);
    }

    public Path path() {
        return path;
    }

    /** The Unix socket (when it lives here) is bound after start-up: make it owner-only too. */
    void socketBound(@ObservesAsync DomainSocketServerStart started) {
        secure(path);
    }

    /** The attribute that creates a file readable by its owner only, or none where permissions are not POSIX. */
    public static FileAttribute<?>[] ownerOnlyFile() {
        return POSIX ? new FileAttribute<?>[]{PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE)} : new FileAttribute<?>[0];
    }

    /**
     * Writes {@code bytes} to a new temporary file beside {@code file}, owner-only from its creation and forced to
     * disk; the caller puts it in place (a rename or a link) and deletes it afterwards, so that {@code file} appears
     * whole or not at all.
     */
    public static Path writeTemporary(Path file, byte[] bytes) throws IOException {
        Path temporary = Files.createTempFile(file.getParent(), "." + file.getFileName() + "-", ".tmp",
                ownerOnlyFile());
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        return temporary;
    }

    /** Makes a new or renamed directory entry durable; a file system that cannot open a directory is left as it is. */
    public static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException notSupported) {
            // some platforms refuse to open a directory: the rename is then as durable as they make it
        }
    }

    static void secure(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir.toAbsolutePath().getParent());
                Files.createDirectory(dir, POSIX ? new FileAttribute<?>[]{PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR)}
                        : new FileAttribute<?>[0]);
            }
            if (!POSIX) {
                return;
            }
            Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR);
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path entry : entries) {
                    if (!Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(entry)) {
                        Files.setPosixFilePermissions(entry, OWNER_ONLY_FILE);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the data directory " + dir + " private (0700, files 0600)", e);
        }
    }
}

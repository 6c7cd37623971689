package dev.mooring.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The data directory is made 0700 and its files 0600, whether it is new or was left open by an older version. */
class PrivateDataDirTest {

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void aNewDataDirIsCreatedForItsOwnerOnly(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("a/b/mooring");
        PrivateDataDir.secure(data);
        assertEquals("rwx------", mode(data));
    }

    @Test
    void anOpenDataDirAndItsFilesAreTightened(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectory(dir.resolve("mooring"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        Path database = Files.writeString(data.resolve("mooring.mv.db"), "H2");
        Files.setPosixFilePermissions(database, PosixFilePermissions.fromString("rw-r--r--"));
        Path nested = Files.createDirectory(data.resolve("backups"));
        String nestedMode = mode(nested);

        PrivateDataDir.secure(data);

        assertEquals("rwx------", mode(data));
        assertEquals("rw-------", mode(database));
        assertEquals(nestedMode, mode(nested), "directories inside are left as they are");
    }
}

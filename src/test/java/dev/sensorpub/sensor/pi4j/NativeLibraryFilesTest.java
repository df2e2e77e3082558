package dev.sensorpub.sensor.pi4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The libraries Pi4J and JNA copied to the temp directory go once loaded; nothing else does. */
class NativeLibraryFilesTest {
    @TempDir
    Path dir;

    @Test
    void deletesTheExtractedLibrariesThisProcessMapsAndNothingElse() throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path gpiod = Files.createFile(tmp.resolve("libgpiod4518338837245367541.so"));
        Path pi4jGpiod = Files.createFile(tmp.resolve("libpi4j-gpiod1726353424376227393.so"));
        Path jna = Files.createDirectories(tmp.resolve("jna-1000")).resolve("jna8034155931214131364.tmp");
        Files.createFile(jna);
        Path otherProcess = Files.createFile(tmp.resolve("libpi4j-linuxfs5559871230906519377.so"));
        Path someoneElses = Files.createFile(tmp.resolve("libfoo123.so"));
        Path maps = dir.resolve("maps");
        Files.writeString(maps, String.join("\n",
                "7f1c2a000000-7f1c2a004000 r-xp 00000000 08:01 1311 " + gpiod,
                "7f1c2a004000-7f1c2a005000 r--p 00004000 08:01 1311 " + gpiod,
                "7f1c2b000000-7f1c2b004000 r-xp 00000000 08:01 1312 " + pi4jGpiod,
                "7f1c2c000000-7f1c2c004000 r-xp 00000000 08:01 1313 " + jna,
                "7f1c2d000000-7f1c2d004000 r-xp 00000000 08:01 1314 " + someoneElses,
                "7f1c2e000000-7f1c2e021000 rw-p 00000000 00:00 0 [heap]",
                "7f1c2f000000-7f1c2f004000 r-xp 00000000 08:01 99 /usr/lib/jvm/lib/libjava.so", ""));

        List<Path> deleted = NativeLibraryFiles.deleteLoaded(maps, tmp);

        assertEquals(List.of(gpiod, pi4jGpiod, jna), deleted);
        assertFalse(Files.exists(gpiod) || Files.exists(pi4jGpiod) || Files.exists(jna));
        assertTrue(Files.exists(otherProcess), "not mapped by this process: another JVM's");
        assertTrue(Files.exists(someoneElses), "not a name Pi4J or JNA gives");
    }

    @Test
    void withoutProcNothingHappens() {
        assertEquals(List.of(), NativeLibraryFiles.deleteLoaded(dir.resolve("no-such-maps"), dir));
    }
}

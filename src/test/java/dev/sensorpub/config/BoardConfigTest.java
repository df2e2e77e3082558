package dev.sensorpub.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BoardConfigTest {
    private static final Path SHIPPED = Path.of("board-configs");

    @Test
    void everyShippedBoardLoadsWithoutProblems() throws ConfigException {
        for (String name : List.of("raspberry-pi-3b", "raspberry-pi-4b", "raspberry-pi-5", "raspberry-pi-zero-2w")) {
            BoardConfig b = BoardConfig.load(SHIPPED.resolve(name + ".properties"));
            assertEquals(name, b.name());
            assertEquals("gpiochip0", b.gpioChip(), name);
            assertEquals("gpiod", b.digitalInputProvider(), name);
            assertEquals("gpiod", b.digitalOutputProvider(), name);
            assertEquals("linuxfs", b.i2cProvider(), name);
            assertEquals(1, b.i2cBus(), name);
            assertEquals(Path.of("/sys/bus/w1/devices"), b.w1Base(), name);
            assertTrue(b.notes().contains("dtoverlay=w1-gpio"), name);
            assertFalse(b.simulated(), name);
        }
    }

    @Test
    void theBuiltInBoardsAreExactlyTheShippedFilesAndTheJarHoldsThemUnchanged() throws IOException, ConfigException {
        List<String> shipped;
        try (var files = Files.list(SHIPPED)) {
            shipped = files.map(f -> f.getFileName().toString().replaceFirst("\\.properties$", "")).sorted().toList();
        }
        assertEquals(shipped, BoardConfig.BUILT_IN);
        for (String name : BoardConfig.BUILT_IN) {
            List<String> problems = new ArrayList<>();
            BoardConfig fromJar = BoardConfig.loadBuiltIn(name, problems);
            assertEquals(List.of(), problems, name);
            assertEquals(BoardConfig.load(SHIPPED.resolve(name + ".properties")), fromJar, name);
        }
    }

    @Test
    void simulatorUsesOnlyMockProviders() throws ConfigException {
        BoardConfig b = BoardConfig.load(SHIPPED.resolve("simulator.properties"));
        assertTrue(b.simulated());
        assertEquals("mock", b.digitalOutputProvider(), "follows provider.digital-input");
    }

    @Test
    void digitalOutputsCanUseTheirOwnProvider(@TempDir Path dir) throws Exception {
        BoardConfig b = BoardConfig.load(write(dir, "provider.digital-output = mock"));
        assertEquals("gpiod", b.digitalInputProvider());
        assertEquals("mock", b.digitalOutputProvider(), "relays simulated on a real Pi");
        ConfigException e = assertThrows(ConfigException.class,
                () -> BoardConfig.load(write(dir, "provider.digital-output = pigpio")));
        assertEquals(List.of("board board.properties line 1: provider.digital-output: 'pigpio' is not one of gpiod, mock"),
                e.problems());
    }

    @Test
    void relativeSysfsBasesResolveAgainstTheBoardFile(@TempDir Path dir) throws Exception {
        Path file = write(dir, "name = fixture", "w1.base = fixtures/w1", "provider.i2c = mock");
        BoardConfig b = BoardConfig.load(file);
        assertEquals(dir.resolve("fixtures/w1"), b.w1Base());
        assertEquals(Path.of("/sys/class/thermal"), b.thermalBase());
    }

    @Test
    void everyProblemInABoardFileIsReportedWithTheFileName(@TempDir Path dir) throws IOException {
        Path file = write(dir, "i2c.bus = one", "spi.bus = 9", "provider.i2c = pigpio", "provder.spi = mock");
        ConfigException e = assertThrows(ConfigException.class, () -> BoardConfig.load(file));
        assertEquals(List.of(
                "board board.properties line 1: i2c.bus: 'one' is not a whole number",
                "board board.properties line 2: spi.bus: '9' is out of range 0 to 6",
                "board board.properties line 3: provider.i2c: 'pigpio' is not one of linuxfs, mock",
                "board board.properties line 4: provder.spi: unknown key; did you mean 'provider.spi'?"), e.problems());
    }

    private static Path write(Path dir, String... lines) throws IOException {
        Path file = dir.resolve("board.properties");
        Files.write(file, List.of(lines));
        return file;
    }
}

package dev.lifeline.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InstructionsSectionTest {

    @Test
    void aDumpsInstructionsAreItsSummaryLine(@TempDir Path dir) throws IOException {
        Path dump = dir.resolve("none-insert.out.3-02");
        Files.write(dump, String.join("\n", "# callgrind format", "version: 1", "events: Ir",
                "summary: 61622044", "fn=(1) main", "0x1 5", "totals: 1").getBytes(StandardCharsets.UTF_8));
        assertEquals(61622044L, InstructionsSection.summary(dump));
    }

    @Test
    void aDumpWithoutACountIsAnErrorNamingTheFile(@TempDir Path dir) throws IOException {
        Path dump = dir.resolve("truncated.out.1-02");
        Files.write(dump, "# callgrind format\n".getBytes(StandardCharsets.UTF_8));
        IOException e = assertThrows(IOException.class, () -> InstructionsSection.summary(dump));
        assertTrue(e.getMessage().contains("truncated.out.1-02"), e.getMessage());
    }

    @Test
    void theCallingThreadIsTheOneBusyInEveryWindowNotACompilerThreadThatRecompiledInOne() {
        // As seen: thread 2 made the calls; thread 9, the JIT's, recompiled in the first and last windows.
        List<Map<Integer, Long>> windows = List.of(
                Map.of(1, 0L, 2, 76_780_000L, 9, 175_030_000L),
                Map.of(1, 0L, 2, 62_370_000L, 9, 77_560_000L),
                Map.of(1, 0L, 2, 60_980_000L, 9, 0L),
                Map.of(1, 0L, 2, 63_500_000L, 9, 120_020_000L));
        assertEquals(2, InstructionsSection.caller(windows, "none-select"));
    }

    @Test
    void fewerThanTwoWindowsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new InstructionsSection("jdbc:postgresql://localhost/x", 1, 1, 1, Path.of("x")));
        assertTrue(e.getMessage().contains("--instructions-windows"), e.getMessage());
    }
}

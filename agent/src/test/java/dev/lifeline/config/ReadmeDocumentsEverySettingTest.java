package dev.lifeline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README is where users look up a key; a setting missing from it, or documented with a stale
 * default, is one they cannot use. Settings.markdownTable() produces rows that pass this check.
 */
class ReadmeDocumentsEverySettingTest {

    // Surefire runs tests with the module directory (agent/) as the working directory.
    private static final Path README = Path.of("..", "README.md");

    @Test
    void readmeHasALineWithEveryKeyAndItsDefault() throws IOException {
        assertTrue(Files.isRegularFile(README), "README.md not found at " + README.toAbsolutePath().normalize()
                + ": the project README must document every setting (paste Settings.markdownTable() into it)");
        String readme = new String(Files.readAllBytes(README), StandardCharsets.UTF_8);
        assertEquals(List.of(), undocumented(readme),
                "settings missing from README.md or documented with another default;"
                        + " regenerate the table with Settings.markdownTable()");
    }

    /** Keys with no line holding both {@code `key`} and the default as written. */
    static List<String> undocumented(String text) {
        List<String> missing = new ArrayList<>();
        String[] lines = text.split("\r?\n");
        for (Setting<?> setting : Settings.all()) {
            boolean found = false;
            for (String line : lines) {
                if (line.contains("`" + setting.key() + "`") && line.contains(setting.defaultText())) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                missing.add(setting.key() + " (default " + setting.defaultText() + ")");
            }
        }
        return missing;
    }
}

package dev.lifeline.it.http;

import dev.lifeline.demo.run.ChildJvm;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * OkHttp 5 ({@code new OkHttpClient()}), {@code execute} and {@code enqueue}: the same workload on a
 * class path where OkHttp 5.5, its okio and Kotlin replace OkHttp 4's (the build copies them to
 * {@code target/okhttp5}).
 */
class OkHttp5Test extends OkHttpTest {

    @Override
    ChildJvm jvm(ChildJvm jvm) {
        return jvm.classPath(okHttp5ClassPath());
    }

    static String okHttp5ClassPath() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Paths.get(entry).getFileName().toString();
            if (!name.startsWith("okhttp-") && !name.startsWith("okio") && !name.startsWith("kotlin-stdlib")) {
                entries.add(entry);
            }
        }
        Path dir = Paths.get("target/okhttp5");
        try (Stream<Path> jars = Files.list(dir)) {
            jars.filter(p -> p.toString().endsWith(".jar")).forEach(p -> entries.add(p.toAbsolutePath().toString()));
        } catch (IOException e) {
            throw new IllegalStateException("OkHttp 5 jars not found in " + dir.toAbsolutePath() + ": build first", e);
        }
        return String.join(File.pathSeparator, entries);
    }
}

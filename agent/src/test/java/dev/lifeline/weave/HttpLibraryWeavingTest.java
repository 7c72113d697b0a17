package dev.lifeline.weave;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.commons.ClassRemapper;
import net.bytebuddy.jar.asm.commons.Remapper;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every class of the real Apache HttpClient 5 and 4 and OkHttp 4 and 5 jars goes through the
 * transformer; the woven ones are defined and linked (the verifier runs) in a loader of their own.
 * The same again for copies relocated the way shaded jars carry them (HttpClient 4 under
 * {@code com.amazonaws.thirdparty.apache.http}, as in the AWS SDK's bundle), which must be woven
 * alike: the woven code links only Lifeline and the class's own types.
 */
class HttpLibraryWeavingTest {

    private final LifelineTransformer transformer = new LifelineTransformer(null, false);

    @Test
    void apacheHttpClient5HookPointsAreWovenAndPassTheVerifier() throws Exception {
        String c = "org/apache/hc/client5/http/impl/";
        assertWoven(List.of(jarOf("org.apache.hc.client5.http.impl.classic.HttpClients"),
                        jarOf("org.apache.hc.core5.http.HttpHost"), jarOf("org.apache.hc.core5.http2.HttpVersionPolicy")),
                "org/apache/hc/client5/", null, List.of(
                        c + "classic/InternalHttpClient", c + "classic/MinimalHttpClient", c + "classic/HttpClientBuilder",
                        c + "async/InternalAbstractHttpAsyncClient", c + "async/AbstractMinimalHttpAsyncClientBase",
                        c + "async/HttpAsyncClientBuilder", c + "async/H2AsyncClientBuilder",
                        c + "io/PoolingHttpClientConnectionManagerBuilder", c + "nio/PoolingAsyncClientConnectionManagerBuilder"));
    }

    @Test
    void apacheHttpClient4HookPointsAreWovenAlsoWhereTheAwsSdkRelocatedThem() throws Exception {
        List<Path> jars = List.of(jarOf("org.apache.http.impl.client.HttpClients"), jarOf("org.apache.http.HttpHost"));
        String c = "org/apache/http/impl/client/";
        List<String> expected = List.of(c + "InternalHttpClient", c + "MinimalHttpClient", c + "AbstractHttpClient", c + "HttpClientBuilder");
        assertWoven(jars, "org/apache/http/", null, expected);

        String shaded = "com/amazonaws/thirdparty/apache/http/";
        List<String> relocated = new ArrayList<>();
        for (String name : expected) {
            relocated.add(shaded + name.substring("org/apache/http/".length()));
        }
        assertWoven(jars, "org/apache/http/", shaded, relocated);
    }

    @Test
    void okHttp4And5HookPointsAreWovenAlsoUnderARelocatedPackage() throws Exception {
        List<String> expected = List.of("okhttp3/internal/connection/RealCall", "okhttp3/internal/http/RetryAndFollowUpInterceptor",
                "okhttp3/OkHttpClient");
        List<Path> four = List.of(jarOf("okhttp3.OkHttpClient"), jarOf("okio.Buffer"), jarOf("kotlin.Unit"));
        assertWoven(four, "okhttp3/", null, expected);
        List<String> relocated = new ArrayList<>();
        for (String name : expected) {
            relocated.add("com/example/shaded/" + name);
        }
        assertWoven(four, "okhttp3/", "com/example/shaded/okhttp3/", relocated);

        Path five = Paths.get("target/library-jars/okhttp-jvm-5.jar");
        assertTrue(Files.isRegularFile(five), "the build copies OkHttp 5 to " + five.toAbsolutePath());
        // Woven only: OkHttp 5 needs a newer okio and Kotlin than 4.12 on this class path, so it is not linked here.
        Map<String, byte[]> woven = weave(List.of(five), "okhttp3/", null);
        assertEquals(new TreeSet<>(expected), new TreeSet<>(woven.keySet()));
    }

    private void assertWoven(List<Path> jars, String libraryPrefix, String relocateTo, List<String> expected) throws Exception {
        Map<String, byte[]> woven = weave(jars, libraryPrefix, relocateTo);
        assertEquals(new TreeSet<>(expected), new TreeSet<>(woven.keySet()));
        if (relocateTo != null) {
            return; // the relocated copy's own references are rewritten too, but its other classes are not served below
        }
        try (WovenLoader loader = new WovenLoader(urls(jars), woven, libraryPrefix.replace('/', '.'))) {
            for (String name : woven.keySet()) {
                Class<?> type = Class.forName(name.replace('/', '.'), false, loader);
                assertNotNull(type.getDeclaredMethods(), name); // links every method: a VerifyError fails here
                assertEquals(loader, type.getClassLoader(), "the woven copy was defined: " + name);
            }
        }
    }

    /** The jars' classes through the transformer, optionally relocated first; the woven ones by name. */
    private Map<String, byte[]> weave(List<Path> jars, String libraryPrefix, String relocateTo) throws Exception {
        Map<String, byte[]> woven = new HashMap<>();
        Remapper relocation = relocateTo == null ? null : new Remapper() {
            @Override
            public String map(String internalName) {
                return internalName.startsWith(libraryPrefix) ? relocateTo + internalName.substring(libraryPrefix.length()) : internalName;
            }
        };
        int seen = 0;
        try (URLClassLoader resources = new URLClassLoader(urls(jars), HttpLibraryWeavingTest.class.getClassLoader())) {
            for (Path jar : jars) {
                try (JarFile file = new JarFile(jar.toFile())) {
                    for (Enumeration<JarEntry> e = file.entries(); e.hasMoreElements(); ) {
                        JarEntry entry = e.nextElement();
                        String path = entry.getName();
                        if (!path.endsWith(".class") || path.startsWith("META-INF/") || path.endsWith("module-info.class")
                                || !path.startsWith(libraryPrefix)) {
                            continue;
                        }
                        String name = path.substring(0, path.length() - ".class".length());
                        byte[] bytes;
                        try (InputStream in = file.getInputStream(entry)) {
                            bytes = in.readAllBytes();
                        }
                        if (relocation != null) {
                            ClassWriter writer = new ClassWriter(0);
                            new ClassReader(bytes).accept(new ClassRemapper(writer, relocation), 0);
                            bytes = writer.toByteArray();
                            name = relocation.map(name);
                        }
                        seen++;
                        byte[] result = transformer.transform(resources, name, null, null, bytes);
                        if (result != null) {
                            woven.put(name, result);
                        }
                    }
                }
            }
        }
        assertTrue(seen > 100, "the jars were read: " + seen);
        return woven;
    }

    private static Path jarOf(String className) throws Exception {
        Class<?> type = Class.forName(className, false, HttpLibraryWeavingTest.class.getClassLoader());
        return Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static URL[] urls(List<Path> jars) throws Exception {
        List<URL> urls = new ArrayList<>();
        for (Path jar : jars) {
            urls.add(jar.toUri().toURL());
        }
        return urls.toArray(new URL[0]);
    }

    /** Child-first for the library's classes (woven ones from memory); Lifeline and the rest from the parent. */
    private static final class WovenLoader extends URLClassLoader {
        private final Map<String, byte[]> woven;
        private final String libraryPackage;

        WovenLoader(URL[] jars, Map<String, byte[]> woven, String libraryPackage) {
            super(jars, HttpLibraryWeavingTest.class.getClassLoader());
            this.woven = woven;
            this.libraryPackage = libraryPackage;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null) {
                    byte[] bytes = woven.get(name.replace('.', '/'));
                    if (bytes != null) {
                        loaded = defineClass(name, bytes, 0, bytes.length);
                    } else if (name.startsWith(libraryPackage)) {
                        loaded = findClass(name);
                    } else {
                        return super.loadClass(name, resolve);
                    }
                }
                return loaded;
            }
        }
    }
}

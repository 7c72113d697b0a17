package dev.lifeline.weave;

import dev.lifeline.jdbc.DataSourceSkeleton;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import javax.sql.DataSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which classes the transformer weaves, decided from class files alone, and proof that what it
 * writes passes the JVM's verifier: every class of the real pgjdbc and HikariCP jars goes through
 * it, and each woven one is defined and linked in a class loader of its own.
 */
class LifelineTransformerTest {

    private final LifelineTransformer transformer = new LifelineTransformer(null, null, false);

    @Test
    void theRealDriverPoolAndProtocolClassesAreWovenAndPassTheVerifier() throws Exception {
        List<Path> jars = List.of(jarOf(org.postgresql.Driver.class), jarOf(com.zaxxer.hikari.HikariConfig.class));
        Map<String, byte[]> woven = new HashMap<>();
        int seen = 0;
        try (URLClassLoader resources = new URLClassLoader(urls(jars), LifelineTransformerTest.class.getClassLoader())) {
            for (Path jar : jars) {
                try (JarFile file = new JarFile(jar.toFile())) {
                    for (Enumeration<JarEntry> e = file.entries(); e.hasMoreElements(); ) {
                        JarEntry entry = e.nextElement();
                        String path = entry.getName();
                        if (!path.endsWith(".class") || path.startsWith("META-INF/") || path.endsWith("module-info.class")) {
                            continue;
                        }
                        String name = path.substring(0, path.length() - ".class".length());
                        byte[] original;
                        try (InputStream in = file.getInputStream(entry)) {
                            original = in.readAllBytes();
                        }
                        seen++;
                        byte[] result = transformer.transform(resources, name, null, null, original);
                        if (result != null) {
                            woven.put(name, result);
                        }
                    }
                }
            }
        }
        assertTrue(seen > 500, "both jars were read: " + seen);
        assertEquals(new TreeSet<>(List.of(
                        "org/postgresql/Driver",                   // Driver.connect
                        "org/postgresql/core/PGStream",            // receiveChar
                        "com/zaxxer/hikari/HikariConfig",          // validate
                        "com/zaxxer/hikari/HikariDataSource",       // getConnection()
                        "com/zaxxer/hikari/util/DriverDataSource",  // getConnection() under the pool
                        "com/zaxxer/hikari/pool/ProxyConnection",   // checkException: a lost transaction heals in place
                        "org/postgresql/ds/PGPoolingDataSource",    // getConnection(), deprecated pool
                        "org/postgresql/jdbc/PgConnection",         // final methods lifted for the wrapper subclass
                        "org/postgresql/jdbc/PgStatement",
                        "org/postgresql/jdbc/PgPreparedStatement")), // (PgCallableStatement has no final method)
                new TreeSet<>(woven.keySet()),
                "PGSimpleDataSource inherits getConnection from BaseDataSource, which is no DataSource: "
                        + "it reaches Driver.connect through DriverManager");

        // Linking runs the verifier: a wrong frame or stack height fails here with a VerifyError.
        try (WovenLoader loader = new WovenLoader(urls(jars), woven)) {
            for (String name : woven.keySet()) {
                Class<?> type = Class.forName(name.replace('/', '.'), false, loader);
                assertNotNull(type.getDeclaredMethods(), name);
                assertEquals(loader, type.getClassLoader(), "the woven copy was defined: " + name);
            }
        }
    }

    @Test
    void aDataSourceIsFoundThroughAnAbstractBaseClassOfTheApplication() throws Exception {
        assertNotNull(transform(ConcreteDataSource.class), "ConcreteDataSource -> DataSourceSkeleton -> DataSource");
        assertNotNull(transform(ThroughOwnInterface.class), "ThroughOwnInterface -> NamedDataSource -> DataSource");
        assertNull(transform(DataSourceSkeleton.class), "declares no getConnection: nothing to weave");
        assertNull(transform(NamedDataSource.class), "an interface is never woven");
        assertNull(transform(NotJdbc.class), "has a getConnection(), but is no DataSource");
    }

    @Test
    void aClassLoaderThatCannotSeeTheAgentIsLeftAlone() throws Exception {
        Path pgjdbc = jarOf(org.postgresql.Driver.class);
        byte[] driver;
        try (InputStream in = org.postgresql.Driver.class.getResourceAsStream("Driver.class")) {
            driver = in.readAllBytes();
        }
        try (URLClassLoader isolated = new URLClassLoader(urls(List.of(pgjdbc)), null)) {
            assertNull(transformer.transform(isolated, "org/postgresql/Driver", null, null, driver),
                    "woven code there would fail with NoClassDefFoundError on every connect");
        }
        assertNotNull(transformer.transform(getClass().getClassLoader(), "org/postgresql/Driver", null, null, driver));
    }

    @Test
    void aFailureInsideTheTransformerLeavesTheClassAsItWas() {
        byte[] garbage = {(byte) 0xCA, (byte) 0xFE, 1, 2, 3};
        assertNull(transformer.transform(getClass().getClassLoader(), "com/example/Broken", null, null, garbage));
        assertNull(transformer.transform(getClass().getClassLoader(), null, null, null, garbage));
    }

    @Test
    void theMeterRegistryNameIsBuiltAtRunTime() {
        // As a literal, the shade plugin would rewrite it to the relocated copy in the agent jar.
        assertEquals("io/micrometer/core/instrument/MeterRegistry", LifelineTransformer.METER_REGISTRY);
    }

    private byte[] transform(Class<?> type) throws IOException {
        String name = type.getName().replace('.', '/');
        try (InputStream in = type.getClassLoader().getResourceAsStream(name + ".class")) {
            return transformer.transform(type.getClassLoader(), name, null, null, in.readAllBytes());
        }
    }

    private static Path jarOf(Class<?> type) throws Exception {
        return Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static URL[] urls(List<Path> jars) throws Exception {
        List<URL> urls = new ArrayList<>();
        for (Path jar : jars) {
            urls.add(jar.toUri().toURL());
        }
        return urls.toArray(new URL[0]);
    }

    /** Child-first for the jars' classes (woven ones from memory); Lifeline and the rest from the parent. */
    private static final class WovenLoader extends URLClassLoader {
        private final Map<String, byte[]> woven;

        WovenLoader(URL[] jars, Map<String, byte[]> woven) {
            super(jars, LifelineTransformerTest.class.getClassLoader());
            this.woven = woven;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null) {
                    byte[] bytes = woven.get(name.replace('.', '/'));
                    if (bytes != null) {
                        loaded = defineClass(name, bytes, 0, bytes.length);
                    } else if (name.startsWith("org.postgresql.") || name.startsWith("com.zaxxer.")) {
                        loaded = findClass(name);
                    } else {
                        return super.loadClass(name, resolve);
                    }
                }
                return loaded;
            }
        }
    }

    static final class ConcreteDataSource extends DataSourceSkeleton {
        @Override
        public Connection getConnection() throws SQLException {
            throw new SQLException("not here");
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            throw new SQLException("not here");
        }
    }

    interface NamedDataSource extends DataSource {
        String name();
    }

    abstract static class ThroughOwnInterface implements NamedDataSource {
        @Override
        public Connection getConnection() throws SQLException {
            throw new SQLException("not here");
        }
    }

    static final class NotJdbc {
        public Connection getConnection() {
            return null;
        }
    }
}

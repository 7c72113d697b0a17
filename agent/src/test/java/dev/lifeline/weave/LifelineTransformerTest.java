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

    private final LifelineTransformer transformer = new LifelineTransformer(null, false);

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
                        "org/postgresql/core/PGStream",            // receiveChar, its own result count
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
            for (String pool : List.of("com.zaxxer.hikari.HikariDataSource", "org.postgresql.ds.PGPoolingDataSource")) {
                assertNotNull(Class.forName(pool, false, loader).getDeclaredMethod("lifeline$getConnection"),
                        pool + ": defined after the agent, its getConnection body has a method of its own");
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
    void aDataSourceGetsANewMethodOnlyWhenDefinedAfterTheAgentOrAlreadySplit() throws Exception {
        String name = ConcreteDataSource.class.getName().replace('.', '/');
        byte[] original;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(name + ".class")) {
            original = in.readAllBytes();
        }
        ClassLoader loader = getClass().getClassLoader();
        byte[] defined = transformer.transform(loader, name, null, null, original);
        assertEquals(List.of("getConnection", "getConnection", "lifeline$getConnection", "lifeline$getConnection"),
                methodNames(defined), "defined after the agent: both bodies moved to private methods");
        assertEquals(List.of("getConnection", "getConnection"),
                methodNames(transformer.transform(loader, name, LoadedBeforeTheAgent.class, null, original)),
                "loaded before the agent: retransformation adds no method, a prologue is woven instead");
        assertEquals(methodNames(defined),
                methodNames(transformer.transform(loader, name, SplitAlready.class, null, original)),
                "a split class retransformed keeps its methods");
        assertNull(transformer.transform(loader, name, null, null, defined),
                "bytes split by another transformer of Lifeline's are not split again");
    }

    private static List<String> methodNames(byte[] classfile) {
        assertNotNull(classfile);
        List<String> names = new ArrayList<>();
        new net.bytebuddy.jar.asm.ClassReader(classfile).accept(new net.bytebuddy.jar.asm.ClassVisitor(net.bytebuddy.jar.asm.Opcodes.ASM9) {
            @Override
            public net.bytebuddy.jar.asm.MethodVisitor visitMethod(int access, String method, String descriptor, String signature,
                                                                    String[] exceptions) {
                if (method.contains("Connection")) {
                    names.add(method);
                }
                return null;
            }
        }, 0);
        names.sort(null);
        return names;
    }

    /** Stands for a data source class split as it was defined: it declares the body method. */
    static final class SplitAlready {
        @SuppressWarnings("unused")
        private Connection lifeline$getConnection() {
            return null;
        }
    }

    @Test
    void pgStreamCountsTheResultMessagesItReadsInAFieldOfItsOwn() throws Exception {
        Path pgjdbc = jarOf(org.postgresql.Driver.class);
        String name = "org/postgresql/core/PGStream";
        byte[] original;
        try (InputStream in = org.postgresql.Driver.class.getResourceAsStream("/" + name + ".class")) {
            original = in.readAllBytes();
        }
        byte[] woven = transformer.transform(getClass().getClassLoader(), name, null, null, original);
        assertNotNull(woven);
        // A server that sends DataRow, ReadyForQuery, CommandComplete, ErrorResponse type bytes.
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             WovenLoader loader = new WovenLoader(urls(List.of(pgjdbc)), Map.of(name, woven))) {
            Thread sender = new Thread(() -> {
                try (java.net.Socket client = server.accept()) {
                    client.getOutputStream().write(new byte[]{'D', 'Z', 'C', 'E'});
                    client.getOutputStream().flush();
                    client.getInputStream().read(); // until the stream is closed
                } catch (IOException ignored) {
                    // the test fails on its own assertions
                }
            });
            sender.start();
            Class<?> streamClass = Class.forName(name.replace('/', '.'), true, loader);
            Class<?> hostSpec = Class.forName("org.postgresql.util.HostSpec", true, loader);
            Object stream = streamClass.getConstructor(javax.net.SocketFactory.class, hostSpec, int.class)
                    .newInstance(javax.net.SocketFactory.getDefault(),
                            hostSpec.getConstructor(String.class, int.class).newInstance("127.0.0.1", server.getLocalPort()), 5000);
            assertTrue(stream instanceof dev.lifeline.jdbc.pgjdbc.ResultCount, "the woven PGStream implements ResultCount");
            dev.lifeline.jdbc.pgjdbc.ResultCount count = (dev.lifeline.jdbc.pgjdbc.ResultCount) stream;
            java.lang.reflect.Method receiveChar = streamClass.getMethod("receiveChar");
            List<Integer> seen = new ArrayList<>();
            List<Integer> counts = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                seen.add((Integer) receiveChar.invoke(stream));
                counts.add(count.lifeline$resultMessages());
            }
            assertEquals(List.of((int) 'D', (int) 'Z', (int) 'C', (int) 'E'), seen, "the message types reach pgjdbc unchanged");
            assertEquals(List.of(1, 1, 2, 2), counts, "DataRow and CommandComplete count; ReadyForQuery and ErrorResponse do not");
            streamClass.getMethod("close").invoke(stream);
            sender.join(5000);
        }
    }

    @Test
    void aPgStreamLoadedBeforeTheAgentKeepsItsShapeWhenRetransformed() throws Exception {
        String name = "org/postgresql/core/PGStream";
        byte[] original;
        try (InputStream in = org.postgresql.Driver.class.getResourceAsStream("/" + name + ".class")) {
            original = in.readAllBytes();
        }
        // Retransforming cannot add a field or an interface: the count stays per thread.
        byte[] retransformed = transformer.transform(getClass().getClassLoader(), name, LoadedBeforeTheAgent.class,
                null, original);
        assertNotNull(retransformed, "receiveChar is still hooked");
        net.bytebuddy.jar.asm.ClassReader reader = new net.bytebuddy.jar.asm.ClassReader(retransformed);
        assertEquals(List.of(new net.bytebuddy.jar.asm.ClassReader(original).getInterfaces()), List.of(reader.getInterfaces()));
        List<String> fields = new ArrayList<>();
        reader.accept(new net.bytebuddy.jar.asm.ClassVisitor(net.bytebuddy.jar.asm.Opcodes.ASM9) {
            @Override
            public net.bytebuddy.jar.asm.FieldVisitor visitField(int access, String field, String descriptor, String signature,
                                                                  Object value) {
                fields.add(field);
                return null;
            }
        }, 0);
        assertTrue(fields.stream().noneMatch(f -> f.startsWith("lifeline$")), fields.toString());
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

    /**
     * Stands for a {@code PGStream} defined before Lifeline was there (no {@code ResultCount}); the
     * real one may already have its count in this JVM, where other tests install the transformer.
     */
    static final class LoadedBeforeTheAgent {
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

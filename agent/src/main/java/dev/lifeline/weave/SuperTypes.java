package dev.lifeline.weave;

import net.bytebuddy.jar.asm.ClassReader;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a class being defined is a JDBC {@code Driver} or {@code DataSource}, without loading
 * anything. The JVM hands a class to the transformer before its supertypes are loaded, so a
 * supertype the application declares is described from its class file, read as a resource of the
 * defining loader, and only its header (superclass and interfaces) is parsed. Answers are kept per
 * loader, for supertype names only: that is a few hundred entries in a large application, not one
 * per class.
 */
final class SuperTypes {

    static final int DRIVER = 1;
    static final int DATA_SOURCE = 2;

    private static final String DRIVER_NAME = "java/sql/Driver";
    private static final String DATA_SOURCE_NAME = "javax/sql/DataSource";
    /** Deeper than any real hierarchy; guards against a cycle in broken class files. */
    private static final int MAX_DEPTH = 64;

    private final Map<ClassLoader, Map<String, Integer>> byLoader = new WeakHashMap<>();

    /** The JDBC kinds of a class whose direct supertypes are {@code superName} and {@code interfaces}. */
    int of(ClassLoader loader, String superName, String[] interfaces) {
        int kinds = superName == null ? 0 : kindsOf(loader, superName, 0);
        for (String i : interfaces) {
            kinds |= kindsOf(loader, i, 0);
        }
        return kinds;
    }

    private int kindsOf(ClassLoader loader, String name, int depth) {
        if (name.equals(DRIVER_NAME)) {
            return DRIVER;
        }
        if (name.equals(DATA_SOURCE_NAME)) {
            return DATA_SOURCE;
        }
        // No JDK type implements either interface; the JDK's own hierarchy is never read.
        if (isJdk(name) || depth > MAX_DEPTH || loader == null) {
            return 0;
        }
        Map<String, Integer> known = known(loader);
        Integer cached = known.get(name);
        if (cached != null) {
            return cached;
        }
        int kinds = 0;
        ClassReader header = header(loader, name);
        if (header != null) {
            String superName = header.getSuperName();
            if (superName != null) {
                kinds = kindsOf(loader, superName, depth + 1);
            }
            for (String i : header.getInterfaces()) {
                kinds |= kindsOf(loader, i, depth + 1);
            }
        }
        known.put(name, kinds);
        return kinds;
    }

    /** Records a class that was just found to be a Driver or DataSource (its subclasses ask next). */
    void remember(ClassLoader loader, String name, int kinds) {
        if (loader != null && kinds != 0) {
            known(loader).put(name, kinds);
        }
    }

    static boolean isJdk(String name) {
        return name.startsWith("java/") || name.startsWith("javax/") || name.startsWith("jdk/")
                || name.startsWith("sun/") || name.startsWith("com/sun/");
    }

    private Map<String, Integer> known(ClassLoader loader) {
        synchronized (byLoader) {
            return byLoader.computeIfAbsent(loader, l -> new ConcurrentHashMap<>());
        }
    }

    /** The class file's header, or null when the loader has no such resource (a generated class). */
    private static ClassReader header(ClassLoader loader, String name) {
        try (InputStream in = loader.getResourceAsStream(name + ".class")) {
            return in == null ? null : new ClassReader(in.readAllBytes());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}

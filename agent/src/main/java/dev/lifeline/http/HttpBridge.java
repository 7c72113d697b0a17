package dev.lifeline.http;

import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Opcodes;

import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Field;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * How advice inlined into a JDK class reaches Lifeline. Code in {@code HttpClientFacade}
 * (platform loader) or {@code sun.net.www.protocol.http.HttpURLConnection} (boot loader) cannot
 * link to a class of the agent (system loader). So a tiny class is defined next to the target, in
 * its own package and loader: public static volatile fields of type {@link Function} and nothing
 * else. Lifeline stores its interceptors there, and the advice reads the field and calls it, with
 * only JDK types crossing.
 *
 * <p>Why this way: appending a jar to the boot class path prints a CDS warning ("Sharing is only
 * supported for boot loader classes...") into the application's output on JDK 17 and 25, and
 * {@code Unsafe} injection prints deprecation warnings on 25. Here only the target's one package
 * is opened, and only to Lifeline's module ({@link Instrumentation#redefineModule}), and the
 * class is defined with the standard {@link MethodHandles.Lookup#defineClass}: nothing is printed
 * and nothing else in the JDK becomes reachable.
 */
final class HttpBridge {

    static final String SIMPLE_NAME = "LifelineHttpBridge";

    private HttpBridge() {
    }

    /** Opens {@code anchor}'s package to Lifeline only, and returns a private lookup in it. */
    static MethodHandles.Lookup openPackageOf(Instrumentation instrumentation, Class<?> anchor) throws IllegalAccessException {
        Module target = anchor.getModule();
        String packageName = anchor.getPackageName();
        Module lifeline = HttpBridge.class.getModule();
        if (!target.isOpen(packageName, lifeline)) {
            instrumentation.redefineModule(target, Set.of(), Map.of(), Map.of(packageName, Set.of(lifeline)),
                    Set.of(), Map.of());
        }
        return MethodHandles.privateLookupIn(anchor, MethodHandles.lookup());
    }

    /**
     * Defines (or finds, if Lifeline was loaded before in this JVM) the bridge class in the
     * lookup's package, with one {@code public static volatile Function} per field name.
     */
    static Class<?> define(MethodHandles.Lookup lookup, String... fieldNames) throws ReflectiveOperationException {
        Class<?> anchor = lookup.lookupClass();
        String name = anchor.getPackageName() + "." + SIMPLE_NAME;
        try {
            return Class.forName(name, false, anchor.getClassLoader());
        } catch (ClassNotFoundException notYet) {
            return lookup.defineClass(classFile(name.replace('.', '/'), fieldNames));
        }
    }

    /** {@code public final class <name> { public static volatile Function <field>; ... }}, no constructor. */
    static byte[] classFile(String internalName, String... fieldNames) {
        ClassWriter writer = new ClassWriter(0);
        writer.visit(Opcodes.V11, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, internalName, null,
                "java/lang/Object", null);
        for (String field : fieldNames) {
            writer.visitField(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC | Opcodes.ACC_VOLATILE, field,
                    "Ljava/util/function/Function;", null, null).visitEnd();
        }
        writer.visitEnd();
        return writer.toByteArray();
    }

    static void set(Class<?> bridge, String field, Function<Object[], Object> value) throws ReflectiveOperationException {
        Field f = bridge.getField(field);
        f.set(null, value);
    }

}

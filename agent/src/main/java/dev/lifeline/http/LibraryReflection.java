package dev.lifeline.http;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * How Lifeline reaches an HTTP library's API without linking against it: the library may be
 * absent, in any class loader, or relocated inside another library's shaded jar, so its types are
 * found from the objects and methods at hand (a woven method's own parameter types), never by a
 * fixed name. Lookups happen once per class (callers cache them); calls are plain
 * {@link Method#invoke}, a few nanoseconds each once the JIT has seen them.
 */
public final class LibraryReflection {

    private LibraryReflection() {
    }

    /** The public method {@code name(parameters)} of {@code type} or its supertypes; never null. */
    public static Method method(Class<?> type, String name, Class<?>... parameters) throws NoSuchMethodException {
        Method m = type.getMethod(name, parameters);
        m.setAccessible(true); // a public method of a package-private class (InternalHttpClient)
        return m;
    }

    /** The public method {@code name(parameters)} of {@code type}, or null when this version has none. */
    public static Method optionalMethod(Class<?> type, String name, Class<?>... parameters) {
        try {
            return method(type, name, parameters);
        } catch (NoSuchMethodException | RuntimeException e) {
            return null;
        }
    }

    /** The method {@code name} with {@code parameterCount} parameters declared by {@code type} or a superclass, made accessible. */
    public static Method declared(Class<?> type, String name, int parameterCount) throws NoSuchMethodException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.getName().equals(name) && m.getParameterCount() == parameterCount && !m.isBridge()) {
                    m.setAccessible(true);
                    return m;
                }
            }
        }
        throw new NoSuchMethodException(type.getName() + "." + name + " with " + parameterCount + " parameters");
    }

    /** The field {@code name} declared by {@code type} or a superclass, made accessible, or null. */
    public static Field field(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f;
            } catch (NoSuchFieldException e) {
                // look further up
            }
        }
        return null;
    }

    private static final Object[] NO_ARGUMENTS = {};

    /** Calls the no-argument method {@code m} (no array allocated per call, unlike the varargs form). */
    public static Object call(Method m, Object target) {
        return call(m, target, NO_ARGUMENTS);
    }

    /** Calls {@code m}; what the method throws is rethrown as it is (checked exceptions included). */
    public static Object call(Method m, Object target, Object... args) {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw Sneaky.raise(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("lifeline cannot call " + m, e);
        }
    }

    /** {@code target}'s simple class name, or one of its superclasses', equals {@code simpleName}. */
    public static boolean isA(Object target, String simpleName) {
        for (Class<?> c = target == null ? null : target.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getSimpleName().equals(simpleName)) {
                return true;
            }
        }
        return false;
    }
}

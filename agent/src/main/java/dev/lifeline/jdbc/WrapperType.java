package dev.lifeline.jdbc;

import dev.lifeline.log.LifelineLog;

import net.bytebuddy.jar.asm.Type;

import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The wrapper class of one driver class, built once ({@link WrapperGenerator}) and cached per
 * driver class. Three shapes, best first:
 * <ol>
 *   <li>a subclass of the driver's class, defined in the driver's own package and class loader
 *       (so package-private types such as pgjdbc's {@code PgPreparedStatement} can be cast to,
 *       and a Spring Boot nested-jar loader or a named module hold it like the driver itself);</li>
 *   <li>a class implementing the driver class's public interfaces, in a small child loader of the
 *       driver's;</li>
 *   <li>fail-open: a JDK dynamic proxy, when generating or defining a class failed (said once).</li>
 * </ol>
 * Instances are allocated without running the driver's constructor (which would connect): the
 * wrapper holds no state of the driver's, only its core.
 */
final class WrapperType {

    /** For read edges and opens when the driver is in an explicit named module; set by the installer. */
    static volatile Instrumentation instrumentation;

    static final ClassValue<WrapperType> CONNECTIONS = new ClassValue<>() {
        @Override
        protected WrapperType computeValue(Class<?> type) {
            return build(type, ConnectionCore.class, Connection.class, false);
        }
    };

    static final ClassValue<WrapperType> STATEMENTS = new ClassValue<>() {
        @Override
        protected WrapperType computeValue(Class<?> type) {
            return build(type, StatementCore.class, Statement.class, true);
        }
    };

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final sun.misc.Unsafe UNSAFE = unsafe();

    final Class<?> physicalClass;
    /** The generated class; null when instances are dynamic proxies. */
    final Class<?> wrapperClass;
    final boolean extendsPhysical;
    /** Replay methods by record id ({@link WrapperGenerator.Blueprint#recorded}). */
    final Method[] recorded;
    private final Class<?>[] proxyInterfaces;
    private final Map<Method, ProxyWrapper.Dispatch> proxyDispatch;
    /** For proxies: record ids by setter name and descriptor. */
    private final Map<String, Integer> proxyRecordIds;
    /**
     * An unbound instance of the generated class, never handed out: {@link #instantiate} asks it
     * for each new wrapper ({@link LifelineWrapper#lifeline$new}). Not a method handle held in a
     * field (a call the JIT does not inline: 30 to 50 instructions per statement), and not a cast
     * of each new object to {@link LifelineWrapper}: before JDK 23 a cast to an interface that
     * misses the class's one-entry cache scans the class's interfaces and overwrites that cache,
     * and the pool's own store of the statement into its {@code Statement[]} then misses it in
     * turn (35-40 ns per borrow-to-close cycle on JDK 17 under HikariCP, BENCHMARKS.md). A call on
     * a field of the interface's type needs no cast.
     */
    final LifelineWrapper prototype;

    private WrapperType(Class<?> physicalClass, Class<?> wrapperClass, boolean extendsPhysical,
                        Method[] recorded, Class<?>[] proxyInterfaces, Map<String, Integer> proxyRecordIds) {
        this.physicalClass = physicalClass;
        this.wrapperClass = wrapperClass;
        this.extendsPhysical = extendsPhysical;
        this.recorded = recorded;
        this.proxyInterfaces = proxyInterfaces;
        this.proxyDispatch = proxyInterfaces == null ? null : new ConcurrentHashMap<>();
        this.proxyRecordIds = proxyRecordIds;
        this.prototype = wrapperClass == null ? null : (LifelineWrapper) allocate(wrapperClass);
    }

    /** {@link LifelineWrapper#allocate}: a generated wrapper class's instance, no constructor run. */
    static Object allocate(Class<?> wrapperClass) {
        if (!LifelineWrapper.class.isAssignableFrom(wrapperClass) || wrapperClass.isInterface()) {
            throw new IllegalArgumentException(wrapperClass + " is not a Lifeline wrapper class");
        }
        try {
            return UNSAFE.allocateInstance(wrapperClass);
        } catch (InstantiationException e) {
            throw new IllegalStateException("cannot allocate " + wrapperClass.getName(), e);
        }
    }

    /**
     * A new wrapper object bound to {@code core}. Callers on the hot path call the prototype
     * themselves, so that each call site's type profile holds only its own wrapper classes (one
     * or two), which the JIT inlines.
     */
    Object instantiate(Object core) {
        LifelineWrapper p = prototype;
        if (p != null) {
            return p.lifeline$new(core);
        }
        return Proxy.newProxyInstance(loaderFor(physicalClass), proxyInterfaces, new ProxyWrapper(core, this));
    }

    // ---------------------------------------------------------------- building

    private static WrapperType build(Class<?> physical, Class<?> core, Class<?> required, boolean recordSetters) {
        Throwable extendFailure = null;
        if (WrapperGenerator.canExtend(physical)) {
            try {
                return extending(physical, core, required, recordSetters);
            } catch (Throwable t) {
                extendFailure = t;
            }
        }
        try {
            WrapperType implementing = implementing(physical, core, required, recordSetters);
            if (extendFailure != null) {
                LifelineLog.internalError("a wrapper subclass of " + physical.getName()
                        + " (its wrapped objects are not instances of it)", extendFailure);
            }
            return implementing;
        } catch (Throwable t) {
            LifelineLog.warn("could not generate a wrapper class for " + physical.getName() + " (" + t
                    + "): its objects are wrapped in dynamic proxies, which cost more per call");
            return proxy(physical, required, recordSetters);
        }
    }

    private static WrapperType extending(Class<?> physical, Class<?> core, Class<?> required, boolean recordSetters)
            throws ReflectiveOperationException {
        String name = Type.getInternalName(physical) + "$$Lifeline";
        WrapperGenerator.Blueprint blueprint = WrapperGenerator.generate(physical, core, required, true, name, recordSetters);
        openToLifeline(physical);
        MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(physical, MethodHandles.lookup());
        Class<?> defined;
        try {
            defined = lookup.defineClass(blueprint.bytes);
        } catch (LinkageError duplicate) {
            // Another thread, or an earlier class value of a discarded runtime, defined it already.
            defined = Class.forName(name.replace('/', '.'), false, physical.getClassLoader());
            if (!LifelineWrapper.class.isAssignableFrom(defined) || !physical.equals(defined.getSuperclass())) {
                throw duplicate;
            }
        }
        // Initialising the class verifies it now, not at the application's first call.
        Class.forName(defined.getName(), true, defined.getClassLoader());
        return new WrapperType(physical, defined, true, blueprint.recorded, null, Map.of());
    }

    private static WrapperType implementing(Class<?> physical, Class<?> core, Class<?> required, boolean recordSetters)
            throws ReflectiveOperationException {
        ClassLoader parent = parentFor(physical, required);
        String name = "dev/lifeline/jdbc/generated/" + physical.getSimpleName().replaceAll("[^A-Za-z0-9_]", "_")
                + "$$Lifeline" + SEQUENCE.incrementAndGet();
        WrapperGenerator.Blueprint blueprint = WrapperGenerator.generate(physical, core, required, false, name, recordSetters);
        Class<?> defined = new WrapperLoader(parent).define(name.replace('/', '.'), blueprint.bytes);
        Class.forName(defined.getName(), true, defined.getClassLoader());
        return new WrapperType(physical, defined, false, blueprint.recorded, null, Map.of());
    }

    private static WrapperType proxy(Class<?> physical, Class<?> required, boolean recordSetters) {
        Class<?>[] interfaces = WrapperGenerator.publicInterfaces(physical, required);
        Class<?>[] withMarker = new Class<?>[interfaces.length + 1];
        System.arraycopy(interfaces, 0, withMarker, 0, interfaces.length);
        withMarker[interfaces.length] = LifelineWrapper.class;
        Map<String, Integer> ids = new HashMap<>();
        java.util.List<Method> recorded = new java.util.ArrayList<>();
        if (recordSetters) {
            for (Class<?> i : interfaces) {
                for (Method m : i.getMethods()) {
                    String key = m.getName() + Type.getMethodDescriptor(m);
                    if (WrapperGenerator.isRecordable(m) && !ids.containsKey(key)) {
                        ids.put(key, recorded.size());
                        recorded.add(m);
                    }
                }
            }
        }
        return new WrapperType(physical, null, false, recorded.toArray(new Method[0]), withMarker, ids);
    }

    /**
     * The loader the generated interface-only class lives under: the driver's, when it sees
     * Lifeline's classes (the usual case, Spring Boot's nested-jar loader included); else
     * Lifeline's, when that one sees the driver's interfaces.
     */
    private static ClassLoader parentFor(Class<?> physical, Class<?> required) throws ClassNotFoundException {
        ClassLoader driverLoader = physical.getClassLoader();
        if (driverLoader != null && sees(driverLoader, ConnectionCore.class)) {
            return driverLoader;
        }
        ClassLoader own = WrapperType.class.getClassLoader();
        for (Class<?> i : WrapperGenerator.publicInterfaces(physical, required)) {
            if (!sees(own, i)) {
                throw new ClassNotFoundException(i.getName() + " is not visible next to Lifeline's classes");
            }
        }
        return own;
    }

    private static boolean sees(ClassLoader loader, Class<?> type) {
        try {
            return Class.forName(type.getName(), false, loader) == type;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static ClassLoader loaderFor(Class<?> physical) {
        ClassLoader loader = physical.getClassLoader();
        return loader != null ? loader : WrapperType.class.getClassLoader();
    }

    /**
     * A driver in an explicit named module: the wrapper, defined in its package, must read
     * Lifeline's (unnamed) module, and the package must be open to Lifeline for the lookup.
     */
    private static void openToLifeline(Class<?> physical) {
        Module module = physical.getModule();
        Module lifeline = WrapperType.class.getModule();
        if (!module.isNamed()) {
            return;
        }
        String pkg = physical.getPackageName();
        boolean reads = module.canRead(lifeline);
        boolean open = module.isOpen(pkg, lifeline);
        if (reads && open) {
            return;
        }
        Instrumentation inst = instrumentation;
        if (inst == null) {
            throw new IllegalStateException("module " + module.getName() + " does not open " + pkg + " to Lifeline");
        }
        inst.redefineModule(module, reads ? Set.of() : Set.of(lifeline), Map.of(),
                open ? Map.of() : Map.of(pkg, Set.of(lifeline)), Set.of(), Map.of());
    }

    private static sun.misc.Unsafe unsafe() {
        try {
            Field field = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            return (sun.misc.Unsafe) field.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Without it every type falls back to proxies (instantiate is never reached for generated classes).
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Defines one generated class under the driver's (or Lifeline's) loader. */
    private static final class WrapperLoader extends ClassLoader {
        static {
            registerAsParallelCapable();
        }

        WrapperLoader(ClassLoader parent) {
            super(parent);
        }

        Class<?> define(String name, byte[] bytes) {
            return defineClass(name, bytes, 0, bytes.length);
        }
    }

    /** Fail-open wrapper: the same cores, reached by reflection. */
    static final class ProxyWrapper implements InvocationHandler {

        enum Kind { CORE, RECORD, PASS, WRAPPER }

        static final class Dispatch {
            final Kind kind;
            final Method handler;
            final int recordId;

            Dispatch(Kind kind, Method handler, int recordId) {
                this.kind = kind;
                this.handler = handler;
                this.recordId = recordId;
            }
        }

        private final Object core;
        private final WrapperType type;

        ProxyWrapper(Object core, WrapperType type) {
            this.core = core;
            this.type = type;
        }

        @Override
        public Object invoke(Object self, Method method, Object[] args) throws Throwable {
            Dispatch dispatch = type.proxyDispatch.computeIfAbsent(method, this::dispatchOf);
            try {
                switch (dispatch.kind) {
                    case WRAPPER:
                        return core;
                    case CORE:
                        return dispatch.handler.invoke(core, args);
                    case RECORD: {
                        Object result = method.invoke(physical(), args);
                        ((StatementCore) core).lifeline$record(dispatch.recordId, args.clone());
                        return result;
                    }
                    case PASS:
                    default:
                        return method.invoke(physical(), args);
                }
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }

        private Object physical() {
            return core instanceof ConnectionCore ? ((ConnectionCore) core).lifeline$physical() : ((StatementCore) core).physical;
        }

        private Dispatch dispatchOf(Method method) {
            if (method.getDeclaringClass() == LifelineWrapper.class) {
                // lifeline$core; a proxy is never a prototype, so lifeline$new is not called on one.
                return new Dispatch(Kind.WRAPPER, null, -1);
            }
            String name = method.getName();
            String mapped = name.equals("equals") ? "wrapperEquals" : name.equals("hashCode") ? "wrapperHashCode"
                    : name.equals("toString") ? "wrapperToString" : name;
            try {
                Method handler = core.getClass().getMethod(mapped, method.getParameterTypes());
                if (!handler.getDeclaringClass().equals(Object.class)) {
                    return new Dispatch(Kind.CORE, handler, -1);
                }
            } catch (NoSuchMethodException ignored) {
                // not one the core handles
            }
            Integer id = type.proxyRecordIds.get(name + Type.getMethodDescriptor(method));
            return id != null ? new Dispatch(Kind.RECORD, null, id) : new Dispatch(Kind.PASS, null, -1);
        }
    }
}

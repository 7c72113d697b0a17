package dev.lifeline.weave;

import dev.lifeline.jdbc.JdbcRuntime;
import dev.lifeline.log.LifelineLog;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Opcodes;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The one {@link ClassFileTransformer} Lifeline registers. For each class the JVM defines it
 * decides, by name first and then from the class file's header, whether the class is one of
 * Lifeline's hook points, and weaves it with {@link HookWeaver}. Nothing here loads a class: a
 * class of the JDK or of a well-known library that never implements a JDBC type costs a few
 * string comparisons, and any other costs the parse of its constant pool.
 *
 * <p>Fail-open: any failure leaves that class exactly as it was and is reported once.
 */
public final class LifelineTransformer implements ClassFileTransformer {

    static final String HIKARI_CONFIG = "com/zaxxer/hikari/HikariConfig";
    static final String HIKARI_PROXY_CONNECTION = "com/zaxxer/hikari/pool/ProxyConnection";
    /** pgjdbc's connection and statement classes with final methods, lifted as they are first defined. */
    private static final java.util.Set<String> PGJDBC_FINALS = java.util.Set.of(
            "org/postgresql/jdbc/PgConnection", "org/postgresql/jdbc/PgStatement",
            "org/postgresql/jdbc/PgPreparedStatement", "org/postgresql/jdbc/PgCallableStatement");
    static final String PG_STREAM = "org/postgresql/core/PGStream";
    /** Built at run time: as a literal the shade plugin would relocate it to our own copy. */
    static final String METER_REGISTRY = String.join("/", "io", "micrometer", "core", "instrument", "MeterRegistry");
    public static final String HTTP_CLIENT_FACADE = "jdk/internal/net/http/HttpClientFacade";
    public static final String HTTP_URL_CONNECTION = "sun/net/www/protocol/http/HttpURLConnection";

    /** Packages besides the JDK's whose classes are never JDBC drivers or data sources: skipped by name alone. */
    private static final String[] IGNORED = {
        "org/slf4j/", "ch/qos/logback/", "org/apache/logging/log4j/", "org/junit/", "kotlin/", "scala/",
        "com/fasterxml/jackson/", "io/netty/",
        // The internals of the driver and pool Lifeline knows (their hook points are matched by name
        // above): a connect loads a hundred of them, each of whose supertypes would be read as a
        // resource. pgjdbc's Driver and data sources (org/postgresql/, ds/, xa/, jdbc2/optional/,
        // jdbc3/) and HikariCP's (com/zaxxer/hikari/, util/) are still looked at.
        "org/postgresql/core/", "org/postgresql/jdbc/", "org/postgresql/util/", "org/postgresql/copy/",
        "org/postgresql/fastpath/", "org/postgresql/largeobject/", "org/postgresql/geometric/",
        "org/postgresql/replication/", "org/postgresql/plugin/", "org/postgresql/ssl/", "org/postgresql/gss/",
        "org/postgresql/sspi/", "org/postgresql/hostchooser/", "org/postgresql/translation/",
        "com/zaxxer/hikari/pool/", "com/zaxxer/hikari/metrics/"
    };

    /**
     * The bridges the JDK's HTTP clients call through, made on demand: asked for only when the
     * client class itself is being defined or retransformed.
     */
    public interface HttpBridges {
        /** Internal name of the bridge class for {@code HttpClientFacade}, or null if it is not instrumented. */
        String facadeBridge();

        /** Internal name of the bridge class for {@code HttpURLConnection}, or null if it is not instrumented. */
        String urlConnectionBridge();
    }

    private final HttpBridges httpBridges;
    private final boolean skipOwnClasses;
    /** For read edges from named modules to Lifeline's; null in tests that weave without an agent. */
    private volatile Instrumentation instrumentation;
    private final SuperTypes superTypes = new SuperTypes();
    private final Map<ClassLoader, Boolean> visibility = new WeakHashMap<>();

    /**
     * @param httpBridges    the JDK HTTP clients' bridges, or null to leave those clients alone
     * @param skipOwnClasses false only in Lifeline's own tests, whose fake drivers live in its packages
     */
    public LifelineTransformer(HttpBridges httpBridges, boolean skipOwnClasses) {
        this.httpBridges = httpBridges;
        this.skipOwnClasses = skipOwnClasses;
    }

    /** Lets woven classes of named (non-automatic) modules read Lifeline's module: see {@link #transform(Module, ClassLoader, String, Class, ProtectionDomain, byte[])}. */
    public LifelineTransformer readEdgesVia(Instrumentation instrumentation) {
        this.instrumentation = instrumentation;
        return this;
    }

    /**
     * A class of an explicit named module may only call into modules it reads, and Lifeline's
     * classes are in the unnamed module of the application class loader: without a read edge the
     * woven call would fail with an {@code IllegalAccessError}. The edge is added before the class
     * is defined, for woven classes only; if it cannot be, the class is left as it was.
     */
    @Override
    public byte[] transform(Module module, ClassLoader loader, String name, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfile) {
        byte[] woven = transform(loader, name, classBeingRedefined, protectionDomain, classfile);
        if (woven == null || module == null || !module.isNamed() || loader == null
                || name.equals(HTTP_CLIENT_FACADE) || name.equals(HTTP_URL_CONNECTION)) {
            return woven; // the JDK's HTTP clients call through a bridge in their own package
        }
        try {
            Module lifeline = LifelineTransformer.class.getModule();
            if (!module.canRead(lifeline)) {
                Instrumentation inst = instrumentation;
                if (inst == null) {
                    return null;
                }
                inst.redefineModule(module, Set.of(lifeline), Map.of(), Map.of(), Set.of(), Map.of());
            }
            return woven;
        } catch (Throwable t) {
            LifelineLog.internalError("letting module " + module.getName() + " reach Lifeline", t);
            return null;
        }
    }

    @Override
    public byte[] transform(ClassLoader loader, String name, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfile) {
        if (name == null || classfile == null) {
            return null;
        }
        try {
            if (PGJDBC_FINALS.contains(name)) {
                // A change of modifiers: only before the class exists, and in place (no hook is woven there).
                return classBeingRedefined == null ? FinalLifter.lift(classfile) : null;
            }
            HookWeaver.Plan plan = plan(loader, name, classfile, classBeingRedefined);
            return plan == null ? null : weave(classfile, plan);
        } catch (Throwable t) {
            LifelineLog.internalError("instrumenting " + name.replace('/', '.'), t);
            return null;
        }
    }

    private HookWeaver.Plan plan(ClassLoader loader, String name, byte[] classfile, Class<?> classBeingRedefined) {
        HookWeaver.Target named = named(name);
        if (named == HookWeaver.Target.PG_STREAM) {
            // Its own result count only while the class is defined, or again for one that has it.
            boolean count = classBeingRedefined == null || hasResultCount(classBeingRedefined);
            return seesLifeline(loader) ? new HookWeaver.Plan(0, named, null, count, false) : null;
        }
        if (named != null) {
            if (named == HookWeaver.Target.HTTP_CLIENT_FACADE || named == HookWeaver.Target.HTTP_URL_CONNECTION) {
                String bridge = httpBridges == null ? null
                        : named == HookWeaver.Target.HTTP_CLIENT_FACADE ? httpBridges.facadeBridge()
                        : httpBridges.urlConnectionBridge();
                return bridge == null ? null : new HookWeaver.Plan(0, named, bridge);
            }
            return seesLifeline(loader) ? new HookWeaver.Plan(0, named, null) : null;
        }
        if (loader == null || isIgnored(name)) {
            return null;
        }
        ClassReader header = new ClassReader(classfile);
        int kinds = superTypes.of(loader, header.getSuperName(), header.getInterfaces());
        if (kinds == 0) {
            return null;
        }
        superTypes.remember(loader, name, kinds);
        if ((header.getAccess() & Opcodes.ACC_INTERFACE) != 0 || !seesLifeline(loader)) {
            return null;
        }
        // A data source's getConnection is split only as the class is first defined (a method is
        // added), or again when a split class is retransformed; never twice.
        if (mentions(classfile, HookWeaver.BORROW_BODY)) {
            kinds &= ~SuperTypes.DATA_SOURCE; // split by another transformer of Lifeline's already: borrows handled
        }
        boolean split = classBeingRedefined == null || declaresMethod(classBeingRedefined, HookWeaver.BORROW_BODY);
        return new HookWeaver.Plan(kinds, null, null, false, split);
    }

    /** Whether the class file's bytes contain {@code text} (ASCII), e.g. a method name in its constant pool. */
    static boolean mentions(byte[] classfile, String text) {
        byte[] wanted = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i <= classfile.length - wanted.length; i++) {
            for (int j = 0; j < wanted.length; j++) {
                if (classfile[i + j] != wanted[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static boolean declaresMethod(Class<?> type, String name) {
        try {
            for (java.lang.reflect.Method method : type.getDeclaredMethods()) {
                if (method.getName().equals(name)) {
                    return true;
                }
            }
        } catch (Throwable t) {
            // A class whose methods cannot be listed gets the shape that adds nothing.
        }
        return false;
    }

    /**
     * Woven code calls Lifeline's classes by name, so they must be visible from the class's own
     * loader and be the very classes this agent runs on. An isolated loader (a plugin system that
     * does not delegate to the application class path) would otherwise get a
     * {@code NoClassDefFoundError} on the call: its classes are left alone instead, and that is said once.
     */
    private boolean seesLifeline(ClassLoader loader) {
        if (loader == null) {
            return false;
        }
        synchronized (visibility) {
            Boolean known = visibility.get(loader);
            if (known != null) {
                return known;
            }
        }
        boolean sees;
        try {
            sees = Class.forName(JdbcRuntime.class.getName(), false, loader) == JdbcRuntime.class;
        } catch (Throwable t) {
            sees = false;
        }
        if (!sees) {
            LifelineLog.warn("classes of " + loader + " cannot reach the agent (an isolated class loader): "
                    + "its JDBC drivers, pools and HTTP clients run without Lifeline");
        }
        synchronized (visibility) {
            visibility.put(loader, sees);
        }
        return sees;
    }

    /**
     * The HTTP libraries' hook points, by their class names' endings: the original package, or one
     * relocated into another library's shaded jar under a prefix of its own (say
     * {@code com/amazonaws/thirdparty/apache/http/...} for HttpClient 4's {@code org/apache/http/...}).
     * Keyed by simple name, so a class of any other name costs one hash lookup.
     */
    private static final Map<String, String[]> LIBRARY_SUFFIXES = Map.ofEntries(
            Map.entry("InternalHttpClient", new String[]{"client5/http/impl/classic/InternalHttpClient", "HC5_CLASSIC_CLIENT",
                    "http/impl/client/InternalHttpClient", "HC4_CLIENT"}),
            Map.entry("MinimalHttpClient", new String[]{"client5/http/impl/classic/MinimalHttpClient", "HC5_CLASSIC_CLIENT",
                    "http/impl/client/MinimalHttpClient", "HC4_CLIENT"}),
            Map.entry("AbstractHttpClient", new String[]{"http/impl/client/AbstractHttpClient", "HC4_CLIENT"}),
            Map.entry("InternalAbstractHttpAsyncClient", new String[]{
                    "client5/http/impl/async/InternalAbstractHttpAsyncClient", "HC5_ASYNC_CLIENT"}),
            Map.entry("AbstractMinimalHttpAsyncClientBase", new String[]{
                    "client5/http/impl/async/AbstractMinimalHttpAsyncClientBase", "HC5_ASYNC_CLIENT"}),
            Map.entry("HttpClientBuilder", new String[]{"client5/http/impl/classic/HttpClientBuilder", "HC5_CLIENT_BUILDER",
                    "http/impl/client/HttpClientBuilder", "HC4_CLIENT_BUILDER"}),
            Map.entry("HttpAsyncClientBuilder", new String[]{"client5/http/impl/async/HttpAsyncClientBuilder", "HC5_CLIENT_BUILDER"}),
            Map.entry("H2AsyncClientBuilder", new String[]{"client5/http/impl/async/H2AsyncClientBuilder", "HC5_CLIENT_BUILDER"}),
            Map.entry("PoolingHttpClientConnectionManagerBuilder", new String[]{
                    "client5/http/impl/io/PoolingHttpClientConnectionManagerBuilder", "HC5_POOL_BUILDER"}),
            Map.entry("PoolingAsyncClientConnectionManagerBuilder", new String[]{
                    "client5/http/impl/nio/PoolingAsyncClientConnectionManagerBuilder", "HC5_POOL_BUILDER"}),
            Map.entry("RealCall", new String[]{"okhttp3/internal/connection/RealCall", "OKHTTP_CALL"}),
            Map.entry("RetryAndFollowUpInterceptor", new String[]{"okhttp3/internal/http/RetryAndFollowUpInterceptor", "OKHTTP_RETRY"}),
            Map.entry("OkHttpClient", new String[]{"okhttp3/OkHttpClient", "OKHTTP_CLIENT"}));

    /** The HTTP library hook point {@code name} (internal form) is, under any package prefix, or null. */
    static HookWeaver.Target library(String name) {
        String[] candidates = LIBRARY_SUFFIXES.get(name.substring(name.lastIndexOf('/') + 1));
        if (candidates == null) {
            return null;
        }
        for (int i = 0; i < candidates.length; i += 2) {
            String suffix = candidates[i];
            if (name.equals(suffix) || (name.endsWith(suffix) && name.charAt(name.length() - suffix.length() - 1) == '/')) {
                return HookWeaver.Target.valueOf(candidates[i + 1]);
            }
        }
        return null;
    }

    /** The hook point woven by name that {@code name} (internal form) is, or null. */
    static HookWeaver.Target named(String name) {
        switch (name) {
            case HIKARI_CONFIG:
                return HookWeaver.Target.HIKARI_CONFIG;
            case HIKARI_PROXY_CONNECTION:
                return HookWeaver.Target.HIKARI_PROXY_CONNECTION;
            case PG_STREAM:
                return HookWeaver.Target.PG_STREAM;
            case HTTP_CLIENT_FACADE:
                return HookWeaver.Target.HTTP_CLIENT_FACADE;
            case HTTP_URL_CONNECTION:
                return HookWeaver.Target.HTTP_URL_CONNECTION;
            default:
                return name.equals(METER_REGISTRY) ? HookWeaver.Target.METER_REGISTRY : library(name);
        }
    }

    private boolean isIgnored(String name) {
        if (SuperTypes.isJdk(name)) {
            return true;
        }
        for (String prefix : IGNORED) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return skipOwnClasses && name.startsWith("dev/lifeline/");
    }

    private static boolean hasResultCount(Class<?> type) {
        for (Class<?> iface : type.getInterfaces()) {
            if (iface.getName().equals(HookWeaver.RESULT_COUNT.replace('/', '.'))) {
                return true;
            }
        }
        return false;
    }

    /** The woven class file, or null when no method matched (the class is left as it was). */
    static byte[] weave(byte[] classfile, HookWeaver.Plan plan) {
        ClassReader reader = new ClassReader(classfile);
        // Given the reader, the writer copies the constant pool and every untouched method as is.
        ClassWriter writer = new ClassWriter(reader, 0);
        HookWeaver weaver = new HookWeaver(writer, plan);
        reader.accept(weaver, 0);
        return weaver.woven() ? writer.toByteArray() : null;
    }
}

package dev.lifeline.metrics;

import dev.lifeline.breaker.BreakerConfig;
import dev.lifeline.limit.ConnectionCap;

import dev.lifeline.weave.LifelineTransformer;

import net.bytebuddy.agent.ByteBuddyAgent;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.instrument.Instrumentation;
import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.net.SocketException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The application's own Micrometer: its classes come from a class loader of their own (child-first
 * for {@code io.micrometer}), so they are not the classes Lifeline was compiled against, as with
 * the relocated copy in the agent jar. Lifeline's meters must appear in its registries.
 */
class AppMicrometerBridgeTest {

    static final String DB = "db.example.com:5432/app";

    private long previousDelay;

    @BeforeEach
    void start() {
        previousDelay = AppMicrometerBridge.delayMillis;
        AppMicrometerBridge.delayMillis = 0;
        Observability.start(0, BreakerConfig.DISABLED, false);
    }

    @AfterEach
    void stop() {
        AppMicrometerBridge.delayMillis = previousDelay;
        Observability.stop();
    }

    /** A loader with its own copy of Micrometer, delegating everything else (Lifeline included) to the test's. */
    static ClassLoader applicationLoader() throws Exception {
        List<URL> jars = new ArrayList<>();
        for (String type : new String[]{"io.micrometer.core.instrument.MeterRegistry",
                "io.micrometer.common.KeyValue", "io.micrometer.observation.Observation"}) {
            jars.add(Class.forName(type).getProtectionDomain().getCodeSource().getLocation());
        }
        return new URLClassLoader(jars.toArray(new URL[0]), AppMicrometerBridgeTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (!name.startsWith("io.micrometer.")) {
                    return super.loadClass(name, resolve);
                }
                synchronized (getClassLoadingLock(name)) {
                    Class<?> c = findLoadedClass(name);
                    return c != null ? c : findClass(name);
                }
            }
        };
    }

    static Object newRegistry(ClassLoader loader, String type) throws Exception {
        return loader.loadClass(type).getConstructor().newInstance();
    }

    /** {@code registry.find(name).tags(tags).meter()}, or null. */
    static Object find(Object registry, String name, String... tags) throws Exception {
        Object search = registry.getClass().getMethod("find", String.class).invoke(registry, name);
        search = search.getClass().getMethod("tags", String[].class).invoke(search, (Object) tags);
        return search.getClass().getMethod("meter").invoke(search);
    }

    /** The first measurement of a meter. */
    static double value(Object meter) throws Exception {
        Method measure = meter.getClass().getMethod("measure");
        measure.setAccessible(true);
        Object first = ((Iterable<?>) measure.invoke(meter)).iterator().next();
        Method getValue = first.getClass().getMethod("getValue");
        return (double) getValue.invoke(first);
    }

    @Test
    void lifelineMetersAppearInARegistryOfTheApplicationsOwnMicrometerClasses() throws Exception {
        ClassLoader loader = applicationLoader();
        Object registry = newRegistry(loader, "io.micrometer.core.instrument.simple.SimpleMeterRegistry");
        assertNotSame(io.micrometer.core.instrument.MeterRegistry.class,
                MicrometerMeters.meterRegistryClass(registry.getClass()), "a different Micrometer than Lifeline's");

        Observability o = Observability.current();
        TargetHealth db = o.target(Kind.JDBC, DB, ConnectionCap.fixed(DB, 15));
        db.onSuccess();
        AppMicrometerBridge.bind(new WeakReference<>(registry));
        o.retryListener(Kind.JDBC).onRetry(DB, 2, 1_000, new SocketException("Connection reset"));

        assertEquals(1.0, value(find(registry, "lifeline.calls", "kind", "jdbc", "target", DB, "outcome", "success")));
        assertEquals(1.0, value(find(registry, "lifeline.retries", "kind", "jdbc", "target", DB)), "counters are live");
        assertEquals(15.0, value(find(registry, "lifeline.connections.max", "target", DB)));
        assertEquals(0.0, value(find(registry, "lifeline.breaker.state", "target", DB)));

        // A target seen after the registry was bound is added to it too.
        o.retryListener(Kind.HTTP).onRetry("kv.example.com:443", 2, 1_000, new SocketException("Connection reset"));
        assertEquals(1.0, value(find(registry, "lifeline.retries", "kind", "http", "target", "kv.example.com:443")));
    }

    @Test
    void theAdviceOnTheApplicationsMeterRegistryConstructorBindsEveryNewRegistryButComposites() throws Exception {
        Instrumentation instrumentation = ByteBuddyAgent.install();
        LifelineTransformer transformer = new LifelineTransformer(null, true);
        instrumentation.addTransformer(transformer);
        // The concrete registry's constructor runs after MeterRegistry's: binding waits for it.
        AppMicrometerBridge.delayMillis = 100;
        try {
            ClassLoader loader = applicationLoader(); // Micrometer classes load now, transformed
            Observability.current().target(Kind.JDBC, DB, null).onSuccess();
            Object simple = newRegistry(loader, "io.micrometer.core.instrument.simple.SimpleMeterRegistry");
            Object composite = newRegistry(loader, "io.micrometer.core.instrument.composite.CompositeMeterRegistry");

            Object meter = null;
            for (long deadline = System.nanoTime() + 10_000_000_000L; meter == null && System.nanoTime() < deadline; ) {
                meter = find(simple, "lifeline.calls", "target", DB, "outcome", "success");
                Thread.sleep(20);
            }
            assertEquals(1.0, value(meter), "no code change in the application: the constructor advice found the registry");
            Thread.sleep(200);
            assertNull(find(composite, "lifeline.calls"), "composites forward to their children: not bound directly");
        } finally {
            instrumentation.removeTransformer(transformer);
        }
    }
}

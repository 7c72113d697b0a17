package dev.lifeline.weave;

import dev.lifeline.config.LifelineConfig;
import dev.lifeline.jdbc.JdbcEvents;
import dev.lifeline.jdbc.JdbcRuntime;
import dev.lifeline.retry.RetryListener;

import net.bytebuddy.agent.ByteBuddyAgent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.instrument.Instrumentation;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Collections;
import java.util.Set;
import javax.sql.DataSource;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An application on the module path: its {@code DataSource} lives in an explicit named module,
 * which reads only what it requires. The woven call into Lifeline (unnamed module) links only
 * because the transformer adds the read edge before the class is defined.
 */
class NamedModuleReadEdgeTest {

    private static final String SOURCE = String.join("\n",
            "package app.ds;",
            "public class Flaky implements javax.sql.DataSource {",
            "  public static int attempts;",
            "  public java.sql.Connection getConnection() throws java.sql.SQLException {",
            "    attempts++;",
            "    throw new java.sql.SQLException(\"refused\", \"08001\", new java.net.ConnectException(\"Connection refused\"));",
            "  }",
            "  public java.sql.Connection getConnection(String u, String p) throws java.sql.SQLException { return getConnection(); }",
            "  public java.io.PrintWriter getLogWriter() { return null; }",
            "  public void setLogWriter(java.io.PrintWriter out) { }",
            "  public void setLoginTimeout(int seconds) { }",
            "  public int getLoginTimeout() { return 0; }",
            "  public java.util.logging.Logger getParentLogger() { return null; }",
            "  public <T> T unwrap(Class<T> iface) { return null; }",
            "  public boolean isWrapperFor(Class<?> iface) { return false; }",
            "}");

    @Test
    void aDataSourceInANamedModuleIsWovenAndItsCallsRetried(@TempDir Path dir) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src/app/ds"));
        Files.writeString(dir.resolve("src/module-info.java"), "module app.ds { requires java.sql; exports app.ds; }");
        Files.writeString(src.resolve("Flaky.java"), SOURCE);
        Path out = Files.createDirectories(dir.resolve("out/app.ds"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, "-d", out.toString(),
                dir.resolve("src/module-info.java").toString(), src.resolve("Flaky.java").toString()));

        Instrumentation instrumentation = ByteBuddyAgent.install();
        LifelineTransformer transformer = new LifelineTransformer(null, true).readEdgesVia(instrumentation);
        instrumentation.addTransformer(transformer);
        JdbcRuntime.install(LifelineConfig.load("lifeline.retry.initialBackoff=1ms,lifeline.jdbc.acquireMaxAttempts=3",
                Collections.emptyMap(), Collections.emptyMap(), line -> {
                }), RetryListener.NONE, JdbcEvents.NONE);
        try {
            Configuration configuration = ModuleLayer.boot().configuration()
                    .resolve(ModuleFinder.of(dir.resolve("out")), ModuleFinder.of(), Set.of("app.ds"));
            ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(configuration, ClassLoader.getSystemClassLoader());
            Class<?> flaky = layer.findLoader("app.ds").loadClass("app.ds.Flaky");
            assertTrue(flaky.getModule().isNamed());
            DataSource dataSource = (DataSource) flaky.getConstructor().newInstance();

            assertThrows(SQLException.class, dataSource::getConnection);

            assertEquals(3, flaky.getField("attempts").getInt(null), "woven, linked and retried: 3 attempts, not 1");
            assertTrue(flaky.getModule().canRead(LifelineTransformer.class.getModule()));
        } finally {
            instrumentation.removeTransformer(transformer);
            java.lang.reflect.Method uninstall = JdbcRuntime.class.getDeclaredMethod("uninstall");
            uninstall.setAccessible(true); // package-private: only tests take the runtime away
            uninstall.invoke(null);
        }
    }

}

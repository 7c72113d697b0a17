package dev.lifeline.demo.observe;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.lifeline.demo.workload.Gate;

import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

/**
 * An application with a Micrometer registry of its own (as Spring Boot Actuator creates one) and
 * no knowledge of Lifeline: it creates a {@code SimpleMeterRegistry}, runs a few queries, waits,
 * and prints every meter whose name starts with {@code lifeline.}:
 * <pre>
 * QUERIED ok=N
 * METER lifeline.calls kind=jdbc,outcome=success,target=127.0.0.1:5432/postgres 5.0
 * RESULT ok=N lifelineMeters=M
 * </pre>
 * Micrometer is reached reflectively only because this demo module does not depend on it; the
 * test puts micrometer-core on the class path. With {@code mode=hikari} the queries go through a
 * HikariCP pool that reports to the same registry (as Spring Boot wires its pool), and before
 * printing the meters the application waits for the gate file, if one is given. Arguments: url
 * (required), queries (5), waitMs (2500), mode (driver | hikari), startupMs (0, between creating
 * the registry and the first query), gate.
 */
public final class OwnMicrometerApp {

    public static void main(String[] args) throws Exception {
        Map<String, String> options = OutageWorkload.options(args);
        Object registry = Class.forName("io.micrometer.core.instrument.simple.SimpleMeterRegistry")
                .getConstructor().newInstance();
        // The rest of the start-up between the registry and the first query (Spring Boot creates
        // its registry early, its DataSource later).
        Thread.sleep(Long.parseLong(options.getOrDefault("startupMs", "0")));
        int ok = 0;
        int queries = Integer.parseInt(options.getOrDefault("queries", "5"));
        HikariDataSource pool = null;
        if ("hikari".equals(options.get("mode"))) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(options.get("url"));
            config.setMaximumPoolSize(2);
            config.setMetricRegistry(registry);
            pool = new HikariDataSource(config);
        }
        for (int i = 0; i < queries; i++) {
            try (Connection connection = pool != null ? pool.getConnection() : DriverManager.getConnection(options.get("url"));
                 Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("select 1")) {
                rs.next();
                ok++;
            }
        }
        Thread.sleep(Long.parseLong(options.getOrDefault("waitMs", "2500")));
        System.out.println("QUERIED ok=" + ok);
        System.out.flush();
        Gate.await(options.get("gate"), 60_000);
        int found = 0;
        for (Object meter : (Iterable<?>) registry.getClass().getMethod("getMeters").invoke(registry)) {
            Object id = call(meter, "getId");
            String name = (String) call(id, "getName");
            if (!name.startsWith("lifeline.")) {
                continue;
            }
            found++;
            StringBuilder tags = new StringBuilder();
            for (Object tag : (Iterable<?>) call(id, "getTags")) {
                tags.append(tags.length() == 0 ? "" : ",").append(call(tag, "getKey")).append('=').append(call(tag, "getValue"));
            }
            Object first = ((Iterable<?>) call(meter, "measure")).iterator().next();
            System.out.println("METER " + name + " " + tags + " " + call(first, "getValue"));
        }
        if (pool != null) {
            pool.close();
        }
        System.out.println("RESULT ok=" + ok + " lifelineMeters=" + found);
        System.out.flush();
    }

    private static Object call(Object target, String method) throws Exception {
        Method m = target.getClass().getMethod(method);
        m.setAccessible(true);
        return m.invoke(target);
    }
}

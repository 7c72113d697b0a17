package dev.lifeline.demo.observe;

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
 * METER lifeline.calls kind=jdbc,outcome=success,target=127.0.0.1:5432/postgres 5.0
 * RESULT ok=N lifelineMeters=M
 * </pre>
 * Micrometer is reached reflectively only because this demo module does not depend on it; the
 * test puts micrometer-core on the class path. Arguments: url (required), queries (5), waitMs (2500).
 */
public final class OwnMicrometerApp {

    public static void main(String[] args) throws Exception {
        Map<String, String> options = OutageWorkload.options(args);
        Object registry = Class.forName("io.micrometer.core.instrument.simple.SimpleMeterRegistry")
                .getConstructor().newInstance();
        int ok = 0;
        int queries = Integer.parseInt(options.getOrDefault("queries", "5"));
        for (int i = 0; i < queries; i++) {
            try (Connection connection = DriverManager.getConnection(options.get("url"));
                 Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("select 1")) {
                rs.next();
                ok++;
            }
        }
        Thread.sleep(Long.parseLong(options.getOrDefault("waitMs", "2500")));
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
        System.out.println("RESULT ok=" + ok + " lifelineMeters=" + found);
        System.out.flush();
    }

    private static Object call(Object target, String method) throws Exception {
        Method m = target.getClass().getMethod(method);
        m.setAccessible(true);
        return m.invoke(target);
    }
}

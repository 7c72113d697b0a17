package dev.lifeline.bench;

import dev.lifeline.bench.jmh.HttpHotPath;
import dev.lifeline.bench.jmh.JdbcHotPath;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;

import java.lang.reflect.Method;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HotPathSectionTest {

    @Test
    void everyJdbcBenchmarkHasExactlyOneRowInItsTable() {
        assertOneRowEach(JdbcHotPath.class, HotPathSection.CALLS);
    }

    @Test
    void everyHttpBenchmarkHasExactlyOneRowInItsTable() {
        assertOneRowEach(HttpHotPath.class, HotPathSection.HTTP_CALLS);
    }

    private static void assertOneRowEach(Class<?> benchmark, String[][] table) {
        Set<String> benchmarks = new TreeSet<>();
        for (Method method : benchmark.getMethods()) {
            if (method.isAnnotationPresent(Benchmark.class)) {
                benchmarks.add(method.getName());
            }
        }
        Set<String> rows = new TreeSet<>();
        for (String[] call : table) {
            rows.add(call[0]);
        }
        assertEquals(table.length, rows.size(), "a benchmark listed twice");
        assertEquals(benchmarks, rows);
    }
}

package dev.lifeline.bench;

import dev.lifeline.bench.jmh.JdbcHotPath;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;

import java.lang.reflect.Method;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HotPathSectionTest {

    @Test
    void everyJmhBenchmarkHasExactlyOneRowInTheTable() {
        Set<String> benchmarks = new TreeSet<>();
        for (Method method : JdbcHotPath.class.getMethods()) {
            if (method.isAnnotationPresent(Benchmark.class)) {
                benchmarks.add(method.getName());
            }
        }
        Set<String> rows = new TreeSet<>();
        for (String[] call : HotPathSection.CALLS) {
            rows.add(call[0]);
        }
        assertEquals(HotPathSection.CALLS.length, rows.size(), "a benchmark listed twice");
        assertEquals(benchmarks, rows);
    }
}

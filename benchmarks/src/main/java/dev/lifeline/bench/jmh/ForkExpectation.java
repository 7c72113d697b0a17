package dev.lifeline.bench.jmh;

import java.lang.management.ManagementFactory;

/**
 * What this benchmark fork must be measuring: the driver's own objects ("bare") or Lifeline's
 * wrappers over them ("wrapper"); for the HTTP clients, the client alone or with Lifeline acting on
 * its calls. Given by {@code -Dbench.expect=bare|wrapper} (the runner
 * always sets it); without it, a fork started with {@code -javaagent:...lifeline...jar} expects wrappers.
 */
final class ForkExpectation {

    static final String PROPERTY = "bench.expect";

    private static final boolean WRAPPER = expectsWrapper();

    private ForkExpectation() {
    }

    private static boolean expectsWrapper() {
        String expected = System.getProperty(PROPERTY);
        if (expected != null) {
            if (!expected.equals("bare") && !expected.equals("wrapper")) {
                throw new IllegalArgumentException("-D" + PROPERTY + " must be bare or wrapper, not " + expected);
            }
            return expected.equals("wrapper");
        }
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream().anyMatch(a -> a.startsWith("-javaagent:") && a.contains("lifeline"));
    }

    /**
     * Fails the trial, loudly, when {@code object} is not what this fork promises: a wrapper fork that
     * got the stub driver's own class (the agent did not wrap it), or a bare fork that got anything else.
     */
    static void check(String call, Object object, Class<?> stubClass) {
        boolean wrapped = object.getClass() != stubClass;
        if (wrapped == WRAPPER) {
            return;
        }
        String agents = String.valueOf(ManagementFactory.getRuntimeMXBean().getInputArguments());
        throw new IllegalStateException(WRAPPER
                ? call + " returned the stub driver's own " + stubClass.getName() + " in a fork that must measure "
                  + "Lifeline's wrapper: the agent did not wrap it, so these figures would be the bare driver's. JVM arguments: " + agents
                : call + " returned " + object.getClass().getName() + " instead of the stub driver's " + stubClass.getName()
                  + " in a fork that must measure the bare driver. JVM arguments: " + agents);
    }

    /**
     * The HTTP fork check: a GET answered 503 and then 200 was answered {@code answered} times. With
     * Lifeline it retries the 503 (2); without it nothing above the client's answering hook does (1).
     */
    static void checkAnswers(String call, int answered) {
        int expected = WRAPPER ? 2 : 1;
        if (answered == expected) {
            return;
        }
        String agents = String.valueOf(ManagementFactory.getRuntimeMXBean().getInputArguments());
        throw new IllegalStateException(call + ": a GET answered 503 then 200 was answered " + answered + " time(s), not "
                + expected + ", in a fork that must measure " + (WRAPPER ? "Lifeline (which retries the 503)" : "the bare client")
                + ": these figures would not be what they say. JVM arguments: " + agents);
    }
}

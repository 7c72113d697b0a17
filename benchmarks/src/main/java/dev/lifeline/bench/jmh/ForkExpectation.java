package dev.lifeline.bench.jmh;

import java.lang.management.ManagementFactory;

/**
 * What this benchmark fork must be measuring: the driver's own objects ("bare") or Lifeline's
 * wrappers over them ("wrapper"). Given by {@code -Dbench.expect=bare|wrapper} (the runner
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
}

package dev.lifeline.http;

/**
 * Throws a checked exception through the JDK functional interfaces the bridge uses: the
 * instrumented methods declare {@code IOException} and {@code InterruptedException}, and the
 * JVM does not check exceptions, only the compiler does.
 */
public final class Sneaky {

    private Sneaky() {
    }

    public static RuntimeException raise(Throwable t) {
        Sneaky.<RuntimeException>raise0(t);
        return new IllegalStateException("unreachable");
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void raise0(Throwable t) throws T {
        throw (T) t;
    }
}

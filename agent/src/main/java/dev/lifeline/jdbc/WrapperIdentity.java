package dev.lifeline.jdbc;

/**
 * The methods every Lifeline wrapper answers itself rather than the driver's object: identity
 * ({@code equals}, {@code hashCode}) is the wrapper's, and {@code unwrap}/{@code isWrapperFor}
 * hand out the wrapper wherever the requested type allows, so the application never holds the
 * physical object by accident (it goes stale when Lifeline replaces it).
 */
final class WrapperIdentity {

    /** Returned when the method is not one of these: the caller forwards it to the driver. */
    static final Object NOT_ANSWERED = new Object();

    private WrapperIdentity() {
    }

    static Object answer(Object self, String name, Object[] args) {
        switch (name) {
            case "unwrap":
            case "isWrapperFor":
                if (args != null && args.length == 1 && args[0] instanceof Class && ((Class<?>) args[0]).isInstance(self)) {
                    return name.equals("unwrap") ? self : Boolean.TRUE;
                }
                return NOT_ANSWERED;
            case "equals":
                return args != null && args.length == 1 ? (Object) (self == args[0]) : NOT_ANSWERED;
            case "hashCode":
                return args == null ? (Object) System.identityHashCode(self) : NOT_ANSWERED;
            default:
                return NOT_ANSWERED;
        }
    }
}

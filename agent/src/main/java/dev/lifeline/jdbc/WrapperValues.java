package dev.lifeline.jdbc;

import java.lang.reflect.Method;

/** Turns the long a generated setter recorded a primitive argument as back into that argument. */
final class WrapperValues {

    private WrapperValues() {
    }

    /** The argument at {@code position} of {@code setter}, recorded as {@code bits}, boxed for a reflective replay. */
    static Object decode(Method setter, int position, long bits) {
        Class<?> type = setter == null ? long.class : setter.getParameterTypes()[position];
        if (type == boolean.class) {
            return bits != 0;
        }
        if (type == byte.class) {
            return (byte) bits;
        }
        if (type == char.class) {
            return (char) bits;
        }
        if (type == short.class) {
            return (short) bits;
        }
        if (type == int.class) {
            return (int) bits;
        }
        if (type == float.class) {
            return Float.intBitsToFloat((int) bits);
        }
        if (type == double.class) {
            return Double.longBitsToDouble(bits);
        }
        return bits;
    }
}

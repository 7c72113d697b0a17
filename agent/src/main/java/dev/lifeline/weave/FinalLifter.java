package dev.lifeline.weave;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Lifts {@code final} from a class's overridable methods (not static, not private, not a
 * constructor) by rewriting their {@code access_flags} in a copy of the class file, so that
 * Lifeline's wrapper can subclass pgjdbc's connection and statement classes.
 *
 * <p>Nothing else of the class file changes, so nothing else is parsed or written: the constant
 * pool is located (ASM's {@link ClassReader} constructor), then the field and method tables are
 * walked. pgjdbc's {@code PgConnection} and {@code PgPreparedStatement} are among the largest
 * classes an application defines, and start-up runs before the JIT has compiled ASM: a full read
 * and write of them cost about 10 ms of start-up on a 2-core machine (BENCHMARKS.md, "Start-up: where the agent's time goes").
 */
final class FinalLifter {

    private FinalLifter() {
    }

    /** The class file with its overridable methods' {@code final} removed, or null when it has none. */
    static byte[] lift(byte[] classfile) {
        ClassReader reader = new ClassReader(classfile);
        char[] buffer = new char[reader.getMaxStringLength()];
        int at = reader.header + 6; // access_flags, this_class, super_class
        at += 2 + 2 * reader.readUnsignedShort(at); // interfaces
        int fields = reader.readUnsignedShort(at);
        at += 2;
        for (int i = 0; i < fields; i++) {
            at = skipMember(reader, at);
        }
        int methods = reader.readUnsignedShort(at);
        at += 2;
        byte[] lifted = null;
        for (int i = 0; i < methods; i++) {
            int access = reader.readUnsignedShort(at);
            if ((access & Opcodes.ACC_FINAL) != 0 && (access & (Opcodes.ACC_STATIC | Opcodes.ACC_PRIVATE)) == 0
                    && !reader.readUTF8(at + 2, buffer).startsWith("<")) {
                if (lifted == null) {
                    lifted = classfile.clone();
                }
                int without = access & ~Opcodes.ACC_FINAL;
                lifted[at] = (byte) (without >>> 8);
                lifted[at + 1] = (byte) without;
            }
            at = skipMember(reader, at);
        }
        return lifted;
    }

    /** Past one field_info or method_info: access, name, descriptor, then its attributes. */
    private static int skipMember(ClassReader reader, int at) {
        int attributes = reader.readUnsignedShort(at + 6);
        at += 8;
        for (int i = 0; i < attributes; i++) {
            at += 6 + reader.readInt(at + 2);
        }
        return at;
    }
}

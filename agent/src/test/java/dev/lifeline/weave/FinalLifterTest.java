package dev.lifeline.weave;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link FinalLifter} on pgjdbc's own classes: only the overridable methods' {@code final} changes. */
class FinalLifterTest {

    @Test
    void onlyTheFinalOfOverridableMethodsIsRemovedAndEveryOtherByteStays() throws Exception {
        for (String name : new String[]{"org/postgresql/jdbc/PgConnection", "org/postgresql/jdbc/PgStatement",
                "org/postgresql/jdbc/PgPreparedStatement"}) {
            byte[] original = classFile(name);
            byte[] lifted = FinalLifter.lift(original);
            assertNotNull(lifted, name + " has final methods");
            assertEquals(original.length, lifted.length, name);

            Map<String, Integer> before = members(original);
            Map<String, Integer> after = members(lifted);
            assertEquals(before.keySet(), after.keySet(), name);
            int liftedCount = 0;
            for (Map.Entry<String, Integer> member : before.entrySet()) {
                int access = member.getValue();
                boolean overridableFinal = member.getKey().startsWith("method ") && (access & Opcodes.ACC_FINAL) != 0
                        && (access & (Opcodes.ACC_STATIC | Opcodes.ACC_PRIVATE)) == 0 && !member.getKey().contains(" <");
                int expected = overridableFinal ? access & ~Opcodes.ACC_FINAL : access;
                assertEquals(expected, (int) after.get(member.getKey()), name + " " + member.getKey());
                liftedCount += overridableFinal ? 1 : 0;
            }
            int differingBytes = 0;
            for (int i = 0; i < original.length; i++) {
                differingBytes += original[i] != lifted[i] ? 1 : 0;
            }
            assertTrue(liftedCount > 0, name);
            assertTrue(differingBytes <= liftedCount, name + ": only access flags changed (" + differingBytes + " bytes)");
        }
    }

    @Test
    void aClassWithoutFinalMethodsIsLeftAsItIs() throws Exception {
        assertNull(FinalLifter.lift(classFile("org/postgresql/jdbc/PgCallableStatement")));
    }

    private static byte[] classFile(String name) throws Exception {
        try (InputStream in = org.postgresql.Driver.class.getResourceAsStream("/" + name + ".class")) {
            return in.readAllBytes();
        }
    }

    /** "field NAME DESC" and "method NAME DESC" to their access flags, as ASM reads them. */
    private static Map<String, Integer> members(byte[] classfile) {
        Map<String, Integer> members = new LinkedHashMap<>();
        new ClassReader(classfile).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
                members.put("field " + name + " " + descriptor, access);
                return null;
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                members.put("method " + name + " " + descriptor, access);
                return null;
            }
        }, ClassReader.SKIP_CODE);
        return members;
    }
}

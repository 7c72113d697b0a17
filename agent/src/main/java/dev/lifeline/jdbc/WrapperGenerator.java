package dev.lifeline.jdbc;

import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes, once per driver class, the class of the object Lifeline hands out in place of the
 * driver's connection or statement. Every method of the generated class is one of three straight
 * lines of bytecode:
 *
 * <ul>
 *   <li><b>pass</b>: {@code return ((DriverClass) core.physical).m(args)} — a direct call, no
 *       reflection, no boxing;</li>
 *   <li><b>core</b>: {@code return core.m(args)} — the methods whose behaviour Lifeline owns
 *       (execute, create a statement, session setters, commit, close, identity), written as plain
 *       Java in {@link ConnectionCore} and {@link StatementCore};</li>
 *   <li><b>record</b>: a pass, then {@code core.lifeline$record(id, args)} — statement setters,
 *       remembered so that a statement can be re-created on a fresh connection. The common shapes
 *       (an index and a primitive or an object) are recorded without boxing. A setter reflection
 *       could not call again calls {@code core.lifeline$unreplayable()} instead.</li>
 * </ul>
 *
 * <p>When the driver's class can be subclassed (public or package-private, not final, no public
 * final method — pgjdbc's finals are lifted as its classes load, see {@code weave.HookWeaver}),
 * the wrapper extends it, so {@code instanceof PgConnection} and casts to the driver's own types
 * keep working. Otherwise it implements every public interface of the driver's class. There are
 * no branches, so no stack map frames are needed.
 */
final class WrapperGenerator {

    static final String CORE_FIELD = "lifeline$core";
    private static final String CONNECTION_CORE = Type.getInternalName(ConnectionCore.class);
    private static final String WRAPPER = Type.getInternalName(LifelineWrapper.class);
    private static final String OBJECT = "java/lang/Object";

    /** Core methods that stand for {@code Object}'s own: a core is never compared or hashed as the wrapper. */
    private static final Map<String, String> IDENTITY = Map.of(
            "wrapperEquals", "equals", "wrapperHashCode", "hashCode", "wrapperToString", "toString");

    private WrapperGenerator() {
    }

    /** The generated class file and what the core needs to know about it. */
    static final class Blueprint {
        final String internalName;
        final byte[] bytes;
        final boolean extendsPhysical;
        /** By record id: the method that replays a recorded call on a fresh driver object. */
        final Method[] recorded;

        Blueprint(String internalName, byte[] bytes, boolean extendsPhysical, Method[] recorded) {
            this.internalName = internalName;
            this.bytes = bytes;
            this.extendsPhysical = extendsPhysical;
            this.recorded = recorded;
        }
    }

    private enum Role { PASS, CORE, RECORD }

    private static final class Member {
        final Method method;
        final String owner;
        final boolean ownerIsInterface;
        Role role = Role.PASS;
        Method core;
        int recordId = -1;
        /** A recorded setter that reflection can call again on a fresh statement. */
        boolean replayable;

        Member(Method method, String owner, boolean ownerIsInterface) {
            this.method = method;
            this.owner = owner;
            this.ownerIsInterface = ownerIsInterface;
        }
    }

    /**
     * Whether a wrapper may extend {@code physical}: it must be overridable in full, because an
     * inherited method body would run on the wrapper's own, never initialised, fields.
     */
    static boolean canExtend(Class<?> physical) {
        int modifiers = physical.getModifiers();
        if (Modifier.isFinal(modifiers) || Modifier.isAbstract(modifiers) || physical.isInterface()
                || physical.isArray() || physical.isPrimitive() || physical.getClassLoader() == null
                || java.lang.reflect.Proxy.isProxyClass(physical) || physical.isAnonymousClass()
                || physical.isSynthetic() || (physical.isMemberClass() && !Modifier.isStatic(modifiers))) {
            return false;
        }
        for (Class<?> c = physical; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                int mod = m.getModifiers();
                if (Modifier.isStatic(mod) || Modifier.isPrivate(mod)) {
                    continue;
                }
                // The application (or code of another package) could call it on the wrapper.
                if (Modifier.isFinal(mod) && (Modifier.isPublic(mod) || Modifier.isProtected(mod))) {
                    return false;
                }
                if (Modifier.isPublic(mod) && !accessibleFrom(physical, m)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Whether every type in the method's signature can be named by a class in {@code physical}'s package. */
    private static boolean accessibleFrom(Class<?> physical, Method m) {
        if (!accessibleFrom(physical, m.getReturnType())) {
            return false;
        }
        for (Class<?> p : m.getParameterTypes()) {
            if (!accessibleFrom(physical, p)) {
                return false;
            }
        }
        return true;
    }

    private static boolean accessibleFrom(Class<?> physical, Class<?> type) {
        while (type.isArray()) {
            type = type.getComponentType();
        }
        if (type.isPrimitive()) {
            return true;
        }
        for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
            if (!Modifier.isPublic(c.getModifiers())
                    && !(c.getClassLoader() == physical.getClassLoader() && packageOf(c).equals(packageOf(physical)))) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param physical     the driver's class
     * @param core         {@link ConnectionCore} or {@link StatementCore}
     * @param required     {@code Connection} or {@code Statement}: always implemented
     * @param extend       subclass {@code physical} (see {@link #canExtend}), or implement its public interfaces
     * @param internalName the name to give the class (in {@code physical}'s package when extending)
     * @param recordSetters whether setters are recorded (statements) or passed (connections: the core records those it needs)
     */
    static Blueprint generate(Class<?> physical, Class<?> core, Class<?> required, boolean extend,
                              String internalName, boolean recordSetters) {
        Map<String, Method> handlers = handlers(core);
        Map<String, Member> members = extend ? classMembers(physical) : interfaceMembers(physical, required);
        List<Method> recorded = new ArrayList<>();
        Map<String, Method> interfaceMethods = recordSetters ? interfaceMethods(physical, required) : Map.of();
        for (Map.Entry<String, Member> entry : members.entrySet()) {
            Member member = entry.getValue();
            Method handler = handlers.get(entry.getKey());
            if (handler != null) {
                member.role = Role.CORE;
                member.core = handler;
            } else if (recordSetters && isRecordable(member.method)) {
                member.role = Role.RECORD;
                member.recordId = recorded.size();
                Method replay = replayMethod(member.method, interfaceMethods);
                member.replayable = replay != null;
                recorded.add(replay);
            }
        }
        // Object's identity methods are the wrapper's own even when the driver does not override them.
        for (String name : new String[]{"equals", "hashCode", "toString"}) {
            for (Map.Entry<String, Method> handler : handlers.entrySet()) {
                if (handler.getKey().startsWith(name + "(") && !members.containsKey(handler.getKey())) {
                    Member member = new Member(objectMethod(name), OBJECT, false);
                    member.role = Role.CORE;
                    member.core = handler.getValue();
                    members.put(handler.getKey(), member);
                }
            }
        }

        String coreName = Type.getInternalName(core);
        String coreDesc = "L" + coreName + ";";
        String superName = extend ? Type.getInternalName(physical) : OBJECT;
        Set<String> interfaces = new LinkedHashSet<>();
        if (!extend) {
            for (Class<?> i : publicInterfaces(physical, required)) {
                interfaces.add(Type.getInternalName(i));
            }
        }
        interfaces.add(WRAPPER);

        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V11, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER | Opcodes.ACC_SYNTHETIC,
                internalName, null, superName, interfaces.toArray(new String[0]));
        cw.visitField(Opcodes.ACC_PRIVATE | Opcodes.ACC_SYNTHETIC, CORE_FIELD, coreDesc, null, null).visitEnd();
        writeWrapperMethods(cw, internalName, coreName, coreDesc);
        if (extend && declaresFinalize(physical)) {
            // The driver's finalizer would run on the wrapper's empty fields; the wrapper owns nothing to finalize.
            MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PROTECTED, "finalize", "()V", null, null);
            mv.visitCode();
            mv.visitInsn(Opcodes.RETURN);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
        }
        String physicalDesc = Type.getDescriptor(required);
        for (Member member : members.values()) {
            writeMember(cw, internalName, coreName, coreDesc, physicalDesc, member);
        }
        cw.visitEnd();
        return new Blueprint(internalName, cw.toByteArray(), extend, recorded.toArray(new Method[0]));
    }

    /** The core's public instance methods, by the wrapper method (name and descriptor) each one handles. */
    private static Map<String, Method> handlers(Class<?> core) {
        Map<String, Method> handlers = new LinkedHashMap<>();
        for (Method m : core.getDeclaredMethods()) {
            int mod = m.getModifiers();
            if (Modifier.isPublic(mod) && !Modifier.isStatic(mod) && !m.isSynthetic() && !m.getName().startsWith("lifeline$")) {
                String name = IDENTITY.getOrDefault(m.getName(), m.getName());
                handlers.put(name + Type.getMethodDescriptor(m), m);
            }
        }
        return handlers;
    }

    /** Every method of the driver's class a wrapper extending it must override, most specific first. */
    private static Map<String, Member> classMembers(Class<?> physical) {
        Map<String, Member> members = new LinkedHashMap<>();
        Set<String> skipped = new LinkedHashSet<>();
        String owner = Type.getInternalName(physical);
        for (Class<?> c = physical; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                int mod = m.getModifiers();
                if (Modifier.isStatic(mod) || Modifier.isPrivate(mod) || m.isSynthetic() || m.isBridge()
                        || m.getName().equals("finalize")) {
                    continue;
                }
                String key = m.getName() + Type.getMethodDescriptor(m);
                if (members.containsKey(key) || skipped.contains(key)) {
                    continue;
                }
                if (Modifier.isFinal(mod) || !(Modifier.isPublic(mod) || overridable(c, physical, mod))) {
                    // Package-private or protected in another package: neither overridable nor callable
                    // by anyone but that package, which only ever holds the driver's own objects.
                    skipped.add(key);
                    continue;
                }
                members.put(key, new Member(m, owner, false));
            }
        }
        // Interface methods the class does not declare itself (default methods): delegate them too.
        for (Class<?> i : allInterfaces(physical)) {
            for (Method m : i.getMethods()) {
                if (Modifier.isStatic(m.getModifiers())) {
                    continue;
                }
                String key = m.getName() + Type.getMethodDescriptor(m);
                if (!members.containsKey(key) && !skipped.contains(key) && !isObjectMethod(m)) {
                    members.put(key, new Member(m, owner, false));
                }
            }
        }
        return members;
    }

    /** Every method of the driver's public interfaces, for a wrapper that cannot extend its class. */
    private static Map<String, Member> interfaceMembers(Class<?> physical, Class<?> required) {
        Map<String, Member> members = new LinkedHashMap<>();
        for (Class<?> i : publicInterfaces(physical, required)) {
            for (Method m : i.getMethods()) {
                if (Modifier.isStatic(m.getModifiers()) || isObjectMethod(m)) {
                    continue;
                }
                String key = m.getName() + Type.getMethodDescriptor(m);
                if (!members.containsKey(key)) {
                    members.put(key, new Member(m, Type.getInternalName(m.getDeclaringClass()), true));
                }
            }
        }
        return members;
    }

    /** A package-private or protected method the wrapper can override: declared in the wrapper's own runtime package. */
    private static boolean overridable(Class<?> declaring, Class<?> physical, int modifiers) {
        return !Modifier.isPrivate(modifiers) && declaring.getClassLoader() == physical.getClassLoader()
                && packageOf(declaring).equals(packageOf(physical));
    }

    private static String packageOf(Class<?> type) {
        String name = type.getName();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(0, dot);
    }

    // Looked up by key, never by catching NoSuchMethodException: generation runs on the
    // application's first connection, interpreted, and hundreds of exceptions cost milliseconds.

    private static boolean declaresFinalize(Class<?> physical) {
        for (Class<?> c = physical; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.getName().equals("finalize") && m.getParameterCount() == 0) {
                    return true;
                }
            }
        }
        return false;
    }

    private static final Set<String> OBJECT_METHODS = objectMethodKeys();

    private static Set<String> objectMethodKeys() {
        Set<String> keys = new java.util.HashSet<>();
        for (Method m : Object.class.getMethods()) {
            keys.add(m.getName() + Type.getMethodDescriptor(m));
        }
        return keys;
    }

    private static boolean isObjectMethod(Method m) {
        return OBJECT_METHODS.contains(m.getName() + Type.getMethodDescriptor(m));
    }

    private static Method objectMethod(String name) {
        try {
            return name.equals("equals") ? Object.class.getMethod(name, Object.class) : Object.class.getMethod(name);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A setter whose call must be repeated on a re-created statement: settings and bound parameters. */
    static boolean isRecordable(Method m) {
        String name = m.getName();
        return m.getReturnType() == void.class && m.getParameterCount() >= 1 && Modifier.isPublic(m.getModifiers())
                && (name.startsWith("set") || name.equals("registerOutParameter"));
    }

    /**
     * The method a recorded call is replayed with: the JDBC interface's (always accessible) where
     * there is one, else the driver's own if reflection may call it; null makes the statement
     * non-replayable once that setter was used.
     */
    private static Method replayMethod(Method m, Map<String, Method> interfaceMethods) {
        Method declared = interfaceMethods.get(m.getName() + Type.getMethodDescriptor(m));
        if (declared != null) {
            return declared;
        }
        try {
            return m.trySetAccessible() ? m : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The public interfaces' methods by name and descriptor. */
    private static Map<String, Method> interfaceMethods(Class<?> physical, Class<?> required) {
        Map<String, Method> methods = new java.util.HashMap<>();
        for (Class<?> i : publicInterfaces(physical, required)) {
            for (Method m : i.getMethods()) {
                methods.putIfAbsent(m.getName() + Type.getMethodDescriptor(m), m);
            }
        }
        return methods;
    }

    /** The {@link LifelineWrapper} methods: the factory {@code lifeline$new} and the getter {@code lifeline$core}. */
    private static void writeWrapperMethods(ClassWriter cw, String self, String coreName, String coreDesc) {
        // public Object lifeline$new(Object core) { Self w = (Self) LifelineWrapper.allocate(Self.class); w.core = (Core) core; return w; }
        MethodVisitor create = cw.visitMethod(Opcodes.ACC_PUBLIC, "lifeline$new", "(Ljava/lang/Object;)Ljava/lang/Object;",
                null, null);
        create.visitCode();
        create.visitLdcInsn(Type.getObjectType(self));
        create.visitMethodInsn(Opcodes.INVOKESTATIC, WRAPPER, "allocate", "(Ljava/lang/Class;)Ljava/lang/Object;", true);
        create.visitTypeInsn(Opcodes.CHECKCAST, self);
        create.visitInsn(Opcodes.DUP);
        create.visitVarInsn(Opcodes.ALOAD, 1);
        create.visitTypeInsn(Opcodes.CHECKCAST, coreName);
        create.visitFieldInsn(Opcodes.PUTFIELD, self, CORE_FIELD, coreDesc);
        create.visitInsn(Opcodes.ARETURN);
        create.visitMaxs(0, 0);
        create.visitEnd();

        MethodVisitor get = cw.visitMethod(Opcodes.ACC_PUBLIC, "lifeline$core", "()Ljava/lang/Object;", null, null);
        get.visitCode();
        get.visitVarInsn(Opcodes.ALOAD, 0);
        get.visitFieldInsn(Opcodes.GETFIELD, self, CORE_FIELD, coreDesc);
        get.visitInsn(Opcodes.ARETURN);
        get.visitMaxs(0, 0);
        get.visitEnd();
    }

    private static void writeMember(ClassWriter cw, String self, String coreName, String coreDesc,
                                    String physicalDesc, Member member) {
        Method m = member.method;
        String desc = Type.getMethodDescriptor(m);
        int access = m.getModifiers() & (Opcodes.ACC_PUBLIC | Opcodes.ACC_PROTECTED | Opcodes.ACC_VARARGS);
        if (member.ownerIsInterface || member.owner.equals(OBJECT)) {
            access = Opcodes.ACC_PUBLIC | (m.getModifiers() & Opcodes.ACC_VARARGS);
        }
        String[] exceptions = exceptionNames(m);
        MethodVisitor mv = cw.visitMethod(access, m.getName(), desc, null, exceptions);
        mv.visitCode();
        Type[] arguments = Type.getArgumentTypes(desc);
        Type result = Type.getReturnType(desc);
        switch (member.role) {
            case CORE: {
                mv.visitVarInsn(Opcodes.ALOAD, 0);
                mv.visitFieldInsn(Opcodes.GETFIELD, self, CORE_FIELD, coreDesc);
                loadArguments(mv, arguments);
                Method handler = member.core;
                mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, coreName, handler.getName(), Type.getMethodDescriptor(handler), false);
                Type handlerResult = Type.getReturnType(handler);
                if (result.getSort() >= Type.ARRAY && !handlerResult.equals(result)) {
                    mv.visitTypeInsn(Opcodes.CHECKCAST, result.getInternalName());
                }
                mv.visitInsn(result.getOpcode(Opcodes.IRETURN));
                break;
            }
            case RECORD:
                passThrough(mv, self, coreName, coreDesc, physicalDesc, member, desc, arguments);
                if (member.replayable) {
                    record(mv, self, coreName, coreDesc, member.recordId, arguments);
                } else {
                    // Its value is of no use: once it is set, the statement is never re-created.
                    mv.visitVarInsn(Opcodes.ALOAD, 0);
                    mv.visitFieldInsn(Opcodes.GETFIELD, self, CORE_FIELD, coreDesc);
                    mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, coreName, "lifeline$unreplayable", "()V", false);
                }
                mv.visitInsn(Opcodes.RETURN);
                break;
            case PASS:
            default:
                passThrough(mv, self, coreName, coreDesc, physicalDesc, member, desc, arguments);
                mv.visitInsn(result.getOpcode(Opcodes.IRETURN));
                break;
        }
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** {@code ((Owner) this.core.physical).m(args)}, leaving the result (if any) on the stack. */
    private static void passThrough(MethodVisitor mv, String self, String coreName, String coreDesc,
                                    String physicalDesc, Member member, String desc, Type[] arguments) {
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitFieldInsn(Opcodes.GETFIELD, self, CORE_FIELD, coreDesc);
        if (coreName.equals(CONNECTION_CORE)) {
            // A connection Lifeline knows dead is replaced before the driver is asked anything.
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, coreName, "lifeline$physical", "()" + physicalDesc, false);
        } else {
            mv.visitFieldInsn(Opcodes.GETFIELD, coreName, "physical", physicalDesc);
        }
        mv.visitTypeInsn(Opcodes.CHECKCAST, member.owner);
        loadArguments(mv, arguments);
        mv.visitMethodInsn(member.ownerIsInterface ? Opcodes.INVOKEINTERFACE : Opcodes.INVOKEVIRTUAL,
                member.owner, member.method.getName(), desc, member.ownerIsInterface);
    }

    /**
     * {@code core.lifeline$record(id, ...)}: one value as a long or an object, an index and a value,
     * or (rare shapes) every argument boxed.
     */
    private static void record(MethodVisitor mv, String self, String coreName, String coreDesc, int id, Type[] arguments) {
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitFieldInsn(Opcodes.GETFIELD, self, CORE_FIELD, coreDesc);
        pushInt(mv, id);
        String desc;
        if (arguments.length == 1) {
            desc = loadAsRecordValue(mv, arguments[0], 1) ? "(IJ)V" : "(ILjava/lang/Object;)V";
        } else if (arguments.length == 2 && arguments[0].getSort() == Type.INT) {
            mv.visitVarInsn(Opcodes.ILOAD, 1);
            desc = loadAsRecordValue(mv, arguments[1], 2) ? "(IIJ)V" : "(IILjava/lang/Object;)V";
        } else {
            pushInt(mv, arguments.length);
            mv.visitTypeInsn(Opcodes.ANEWARRAY, OBJECT);
            int slot = 1;
            for (int i = 0; i < arguments.length; i++) {
                mv.visitInsn(Opcodes.DUP);
                pushInt(mv, i);
                mv.visitVarInsn(arguments[i].getOpcode(Opcodes.ILOAD), slot);
                box(mv, arguments[i]);
                mv.visitInsn(Opcodes.AASTORE);
                slot += arguments[i].getSize();
            }
            desc = "(I[Ljava/lang/Object;)V";
        }
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, coreName, "lifeline$record", desc, false);
    }

    /** Loads the argument at {@code slot}; primitives as a long of their bits (true when it pushed a long). */
    private static boolean loadAsRecordValue(MethodVisitor mv, Type type, int slot) {
        mv.visitVarInsn(type.getOpcode(Opcodes.ILOAD), slot);
        switch (type.getSort()) {
            case Type.BOOLEAN:
            case Type.BYTE:
            case Type.CHAR:
            case Type.SHORT:
            case Type.INT:
                mv.visitInsn(Opcodes.I2L);
                return true;
            case Type.LONG:
                return true;
            case Type.FLOAT:
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Float", "floatToRawIntBits", "(F)I", false);
                mv.visitInsn(Opcodes.I2L);
                return true;
            case Type.DOUBLE:
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Double", "doubleToRawLongBits", "(D)J", false);
                return true;
            default:
                return false;
        }
    }

    private static void box(MethodVisitor mv, Type type) {
        String boxed;
        switch (type.getSort()) {
            case Type.BOOLEAN: boxed = "java/lang/Boolean"; break;
            case Type.BYTE: boxed = "java/lang/Byte"; break;
            case Type.CHAR: boxed = "java/lang/Character"; break;
            case Type.SHORT: boxed = "java/lang/Short"; break;
            case Type.INT: boxed = "java/lang/Integer"; break;
            case Type.LONG: boxed = "java/lang/Long"; break;
            case Type.FLOAT: boxed = "java/lang/Float"; break;
            case Type.DOUBLE: boxed = "java/lang/Double"; break;
            default: return;
        }
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, boxed, "valueOf", "(" + type.getDescriptor() + ")L" + boxed + ";", false);
    }

    private static void loadArguments(MethodVisitor mv, Type[] arguments) {
        int slot = 1;
        for (Type argument : arguments) {
            mv.visitVarInsn(argument.getOpcode(Opcodes.ILOAD), slot);
            slot += argument.getSize();
        }
    }

    private static void pushInt(MethodVisitor mv, int value) {
        if (value >= -1 && value <= 5) {
            mv.visitInsn(Opcodes.ICONST_0 + value);
        } else if (value <= Byte.MAX_VALUE) {
            mv.visitIntInsn(Opcodes.BIPUSH, value);
        } else {
            mv.visitIntInsn(Opcodes.SIPUSH, value);
        }
    }

    private static String[] exceptionNames(Method m) {
        Class<?>[] types = m.getExceptionTypes();
        if (types.length == 0) {
            return null;
        }
        String[] names = new String[types.length];
        for (int i = 0; i < types.length; i++) {
            names[i] = Type.getInternalName(types[i]);
        }
        return names;
    }

    /** Every interface of the class and its superclasses, including superinterfaces. */
    static Set<Class<?>> allInterfaces(Class<?> type) {
        Set<Class<?>> all = new LinkedHashSet<>();
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            collectInterfaces(c, all, false);
        }
        return all;
    }

    /** Every public interface of the class and its superclasses, plus {@code required}. */
    static Class<?>[] publicInterfaces(Class<?> type, Class<?> required) {
        Set<Class<?>> all = new LinkedHashSet<>();
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            collectInterfaces(c, all, true);
        }
        all.add(required);
        return all.toArray(new Class<?>[0]);
    }

    private static void collectInterfaces(Class<?> type, Set<Class<?>> into, boolean publicOnly) {
        for (Class<?> iface : type.getInterfaces()) {
            if (!publicOnly || Modifier.isPublic(iface.getModifiers())) {
                into.add(iface);
            }
            collectInterfaces(iface, into, publicOnly);
        }
    }
}

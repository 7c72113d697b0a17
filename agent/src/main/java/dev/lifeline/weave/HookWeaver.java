package dev.lifeline.weave;

import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Weaves Lifeline's hand-over code into the methods of one class. Every hook is one of three
 * fixed shapes, written here as bytecode by hand:
 *
 * <ul>
 *   <li><b>prologue</b>: at method entry, call Lifeline; a non-null answer is returned at once
 *       (the call was handled, retries and all), null runs the original body unchanged;</li>
 *   <li><b>before return</b>: at every {@code return}, pass the value or {@code this} to Lifeline;</li>
 *   <li>nothing else: no field, method or attribute is added, so a loaded class can be
 *       retransformed too. The one exception is pgjdbc's {@code PGStream} as it is first defined
 *       (or retransformed after that): it gets a count of the result messages it read, an
 *       {@code int} field behind the {@code pgjdbc.ResultCount} interface, so that counting costs
 *       a field increment per message instead of a thread-local lookup. A {@code PGStream} loaded
 *       before Lifeline keeps its shape and counts per thread.</li>
 * </ul>
 *
 * <p>A prologue has one branch target, after the hand-over, where the stack holds the null
 * answer and the locals are the method's arguments: one {@code F_SAME1} frame describes it
 * (class files before Java 6 carry no frames and get none).
 */
final class HookWeaver extends ClassVisitor {

    static final String OBJECT = "java/lang/Object";
    static final String FUNCTION = "java/util/function/Function";
    private static final String CONNECTION_DESC = "Ljava/sql/Connection;";
    private static final String DRIVER_CONNECT = "(Ljava/lang/String;Ljava/util/Properties;)" + CONNECTION_DESC;
    private static final String GET_CONNECTION = "()" + CONNECTION_DESC;
    private static final String GET_CONNECTION_WITH_CREDENTIALS = "(Ljava/lang/String;Ljava/lang/String;)" + CONNECTION_DESC;
    private static final String JDBC = "dev/lifeline/jdbc/";

    private final Plan plan;
    private boolean frames;
    private boolean woven;
    private String className;
    /** {@link Plan#countResults}, unless the class has its count already. */
    private boolean countResults;

    /** What to weave into the class at hand: its JDBC kinds, or the one named target it is. */
    static final class Plan {
        final int jdbcKinds;
        final Target named;
        /** For the two JDK HTTP targets: the bridge class, in the target's own package. */
        final String bridge;
        /** {@code PGStream} with the result count of its own (see the class comment), else per thread. */
        final boolean countResults;
        /**
         * A data source's {@code getConnection} bodies moved to private methods of their own, with
         * Lifeline's borrow code in their place ({@link SplitBorrow}); else a prologue that calls
         * the method again to run its body.
         */
        final boolean splitBorrow;

        Plan(int jdbcKinds, Target named, String bridge) {
            this(jdbcKinds, named, bridge, false, false);
        }

        Plan(int jdbcKinds, Target named, String bridge, boolean countResults, boolean splitBorrow) {
            this.jdbcKinds = jdbcKinds;
            this.named = named;
            this.bridge = bridge;
            this.countResults = countResults;
            this.splitBorrow = splitBorrow;
        }
    }

    /** The private method a split data source class keeps its own {@code getConnection} body in. */
    static final String BORROW_BODY = "lifeline$getConnection";

    /** The interface a counting {@code PGStream} implements, and its field. */
    static final String RESULT_COUNT = JDBC + "pgjdbc/ResultCount";
    private static final String RESULT_COUNT_METHOD = "lifeline$resultMessages";
    private static final String RESULT_COUNT_FIELD = "lifeline$results";

    /** The classes Lifeline instruments by name (the HTTP libraries' also under a relocated package). */
    enum Target {
        HIKARI_CONFIG, HIKARI_PROXY_CONNECTION, PG_STREAM, METER_REGISTRY, HTTP_CLIENT_FACADE, HTTP_URL_CONNECTION,
        HC5_CLASSIC_CLIENT, HC5_ASYNC_CLIENT, HC5_CLIENT_BUILDER, HC5_POOL_BUILDER,
        HC4_CLIENT, HC4_CLIENT_BUILDER,
        OKHTTP_CALL, OKHTTP_RETRY, OKHTTP_CLIENT
    }

    private static final String APACHE5 = "dev/lifeline/http/apache5/";
    private static final String APACHE4 = "dev/lifeline/http/apache4/";
    private static final String OKHTTP = "dev/lifeline/http/okhttp/";

    HookWeaver(ClassVisitor next, Plan plan) {
        super(Opcodes.ASM9, next);
        this.plan = plan;
        this.countResults = plan.countResults;
    }

    /** Whether any method was changed (if not, the class is left byte for byte as it was). */
    boolean woven() {
        return woven;
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
        frames = (version & 0xFFFF) >= Opcodes.V1_6;
        className = name;
        if (countResults && interfaces != null && java.util.Arrays.asList(interfaces).contains(RESULT_COUNT)) {
            countResults = false; // woven already (another transformer of Lifeline's saw it first): left as it is
        }
        if (countResults) {
            String[] more = interfaces == null ? new String[1] : java.util.Arrays.copyOf(interfaces, interfaces.length + 1);
            more[more.length - 1] = RESULT_COUNT;
            interfaces = more;
        }
        super.visit(version, access, name, signature, superName, interfaces);
    }

    @Override
    public void visitEnd() {
        if (countResults) {
            // private transient int lifeline$results; public int lifeline$resultMessages() { return lifeline$results; }
            super.visitField(Opcodes.ACC_PRIVATE | Opcodes.ACC_TRANSIENT | Opcodes.ACC_SYNTHETIC, RESULT_COUNT_FIELD, "I",
                    null, null).visitEnd();
            MethodVisitor getter = super.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_SYNTHETIC, RESULT_COUNT_METHOD, "()I",
                    null, null);
            getter.visitCode();
            getter.visitVarInsn(Opcodes.ALOAD, 0);
            getter.visitFieldInsn(Opcodes.GETFIELD, className, RESULT_COUNT_FIELD, "I");
            getter.visitInsn(Opcodes.IRETURN);
            getter.visitMaxs(1, 1);
            getter.visitEnd();
            woven = true;
        }
        super.visitEnd();
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
        boolean code = (access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE | Opcodes.ACC_STATIC)) == 0;
        if (code && plan.splitBorrow && isBorrow(name, descriptor)) {
            // The body goes to a private method of its own (same code, frames, monitor and all); the
            // public method keeps its annotations and gets the borrow code, never under a monitor
            // (a retry's backoff must not hold the data source's lock).
            MethodVisitor borrow = super.visitMethod(access & ~Opcodes.ACC_SYNCHRONIZED, name, descriptor, signature, exceptions);
            int bodyAccess = (access & ~(Opcodes.ACC_PUBLIC | Opcodes.ACC_PROTECTED | Opcodes.ACC_FINAL
                    | Opcodes.ACC_VARARGS | Opcodes.ACC_BRIDGE)) | Opcodes.ACC_PRIVATE | Opcodes.ACC_SYNTHETIC;
            MethodVisitor body = super.visitMethod(bodyAccess, BORROW_BODY, descriptor, signature, exceptions);
            if (borrow != null && body != null) {
                woven = true;
                return new SplitBorrow(borrow, body, className, descriptor, frames);
            }
            throw new IllegalStateException("the class writer dropped getConnection of " + className);
        }
        MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
        if (mv == null || !code) {
            return mv;
        }
        MethodVisitor hooked = hook(mv, name, descriptor);
        if (hooked != null) {
            woven = true;
            return hooked;
        }
        return mv;
    }

    /** {@code DataSource.getConnection()} or {@code getConnection(String, String)} of a data source class. */
    private boolean isBorrow(String name, String descriptor) {
        return (plan.jdbcKinds & SuperTypes.DATA_SOURCE) != 0 && name.equals("getConnection")
                && (descriptor.equals(GET_CONNECTION) || descriptor.equals(GET_CONNECTION_WITH_CREDENTIALS));
    }

    private MethodVisitor hook(MethodVisitor mv, String name, String descriptor) {
        if ((plan.jdbcKinds & SuperTypes.DRIVER) != 0 && name.equals("connect") && descriptor.equals(DRIVER_CONNECT)) {
            return new Prologue(mv, frames) {
                @Override
                void handOver(Label runBody) {
                    // Object h = DriverConnectInterceptor.connect(this, url, info)
                    loadThisAndArguments(2);
                    invokeStatic(JDBC + "DriverConnectInterceptor", "connect",
                            "(Ljava/lang/Object;Ljava/lang/String;Ljava/util/Properties;)Ljava/lang/Object;");
                }

                @Override
                void returnHandled() {
                    // DECLINED stands for the driver's own "not my URL" null.
                    invokeStatic(JDBC + "DriverConnectInterceptor", "handled", "(Ljava/lang/Object;)" + CONNECTION_DESC);
                    super.visitInsn(Opcodes.ARETURN);
                }
            };
        }
        if (isBorrow(name, descriptor)) {
            // A class loaded before the agent: no method can be added, the prologue runs the body by
            // calling the method again (see SplitBorrow for a class defined after the agent).
            boolean withCredentials = descriptor.equals(GET_CONNECTION_WITH_CREDENTIALS);
            return new Prologue(mv, frames) {
                @Override
                void handOver(Label runBody) {
                    // Object h = DataSourceInterceptor.getConnection(this, withCredentials, user, password)
                    super.visitVarInsn(Opcodes.ALOAD, 0);
                    super.visitInsn(withCredentials ? Opcodes.ICONST_1 : Opcodes.ICONST_0);
                    loadCredentials(this, withCredentials);
                    invokeStatic(JDBC + "DataSourceInterceptor", "getConnection",
                            "(Ljava/lang/Object;ZLjava/lang/String;Ljava/lang/String;)Ljava/lang/Object;");
                }

                @Override
                void returnHandled() {
                    returnAs("java/sql/Connection");
                }
            };
        }
        if (plan.named == null) {
            return null;
        }
        switch (plan.named) {
            case HIKARI_CONFIG:
                if (name.equals("validate") && descriptor.equals("()V")) {
                    return new AtEntry(mv, JDBC + "hikari/HikariTuning", "beforeValidate", "(Ljava/lang/Object;)V");
                }
                return null;
            case HIKARI_PROXY_CONNECTION:
                if (name.equals("checkException") && descriptor.equals("(Ljava/sql/SQLException;)Ljava/sql/SQLException;")) {
                    return new Prologue(mv, frames) {
                        @Override
                        void handOver(Label runBody) {
                            // Object kept = HikariEviction.keep(sqle): non-null returns it without evicting
                            super.visitVarInsn(Opcodes.ALOAD, 1);
                            invokeStatic(JDBC + "hikari/HikariEviction", "keep", "(Ljava/lang/Object;)Ljava/lang/Object;");
                        }

                        @Override
                        void returnHandled() {
                            returnAs("java/sql/SQLException");
                        }
                    };
                }
                return null;
            case PG_STREAM:
                if (countResults && name.equals("receiveChar") && descriptor.equals("()I")) {
                    return new BeforeReturn(mv, Opcodes.IRETURN, 3) {
                        @Override
                        void atReturn() {
                            // this.lifeline$results += ProtocolSignals.weight(c), the message type c staying on the stack
                            super.visitInsn(Opcodes.DUP);
                            super.visitVarInsn(Opcodes.ALOAD, 0);
                            super.visitInsn(Opcodes.SWAP);
                            invokeStatic(JDBC + "pgjdbc/ProtocolSignals", "weight", "(I)I");
                            super.visitVarInsn(Opcodes.ALOAD, 0);
                            super.visitFieldInsn(Opcodes.GETFIELD, className, RESULT_COUNT_FIELD, "I");
                            super.visitInsn(Opcodes.IADD);
                            super.visitFieldInsn(Opcodes.PUTFIELD, className, RESULT_COUNT_FIELD, "I");
                        }
                    };
                }
                if (countResults && name.equals("<init>")) {
                    return new BeforeReturn(mv, Opcodes.RETURN) {
                        @Override
                        void atReturn() {
                            // The connect in progress on this thread learns which stream is its own.
                            super.visitVarInsn(Opcodes.ALOAD, 0);
                            invokeStatic(JDBC + "pgjdbc/ProtocolSignals", "streamCreated", "(Ljava/lang/Object;)V");
                        }
                    };
                }
                if (name.equals("receiveChar") && descriptor.equals("()I")) {
                    return new BeforeReturn(mv, Opcodes.IRETURN) {
                        @Override
                        void atReturn() {
                            super.visitInsn(Opcodes.DUP);
                            invokeStatic(JDBC + "pgjdbc/ProtocolSignals", "received", "(I)V");
                        }
                    };
                }
                return null;
            case METER_REGISTRY:
                if (name.equals("<init>")) {
                    return new BeforeReturn(mv, Opcodes.RETURN) {
                        @Override
                        void atReturn() {
                            super.visitVarInsn(Opcodes.ALOAD, 0);
                            invokeStatic("dev/lifeline/metrics/AppMicrometerBridge", "registryCreated", "(Ljava/lang/Object;)V");
                        }
                    };
                }
                return null;
            case HTTP_CLIENT_FACADE:
                // send and sendAsync(HttpRequest, BodyHandler); the push-promise overload is not touched.
                if ((name.equals("send") || name.equals("sendAsync")) && Type.getArgumentTypes(descriptor).length == 2) {
                    return new BridgePrologue(mv, frames, plan.bridge, name, descriptor, 2);
                }
                return null;
            case HTTP_URL_CONNECTION:
                if ((name.equals("getInputStream") && descriptor.equals("()Ljava/io/InputStream;"))
                        || (name.equals("connect") && descriptor.equals("()V"))) {
                    return new BridgePrologue(mv, frames, plan.bridge, name, descriptor, 0);
                }
                return null;
            default:
                return libraryHook(mv, name, descriptor);
        }
    }

    /**
     * The HTTP libraries. The woven code links only Lifeline's classes (arguments as Objects) and the
     * class's own types, so it works in any class loader that sees the agent and under any
     * relocated package; the descriptors are checked by their types' simple names for that reason.
     */
    private MethodVisitor libraryHook(MethodVisitor mv, String name, String descriptor) {
        Type[] args = Type.getArgumentTypes(descriptor);
        boolean build = name.equals("build") && args.length == 0;
        switch (plan.named) {
            case HC5_CLASSIC_CLIENT:
                if (name.equals("doExecute") && endsWith(args, "/HttpHost", "/ClassicHttpRequest", "/HttpContext")) {
                    return new ArgsPrologue(mv, frames, APACHE5 + "ClassicClientInterceptor", "doExecute", descriptor);
                }
                return null;
            case HC5_ASYNC_CLIENT:
                if (name.equals("doExecute") && endsWith(args, "/HttpHost", "/AsyncRequestProducer", "/AsyncResponseConsumer",
                        "/HandlerFactory", "/HttpContext", "/FutureCallback")) {
                    return new ArgsPrologue(mv, frames, APACHE5 + "AsyncClientInterceptor", "doExecute", descriptor);
                }
                return null;
            case HC5_CLIENT_BUILDER:
                return build ? new AtEntry(mv, APACHE5 + "BuilderTuning", "clientBuilder", "(Ljava/lang/Object;)V") : null;
            case HC5_POOL_BUILDER:
                return build ? new AtEntry(mv, APACHE5 + "BuilderTuning", "poolBuilder", "(Ljava/lang/Object;)V") : null;
            case HC4_CLIENT:
                if (name.equals("doExecute") && endsWith(args, "/HttpHost", "/HttpRequest", "/HttpContext")) {
                    return new ArgsPrologue(mv, frames, APACHE4 + "ClientInterceptor", "doExecute", descriptor);
                }
                return null;
            case HC4_CLIENT_BUILDER:
                return build ? new AtEntry(mv, APACHE4 + "BuilderTuning", "clientBuilder", "(Ljava/lang/Object;)V") : null;
            case OKHTTP_CALL:
                if (name.equals("execute") && args.length == 0 && descriptor.endsWith("/Response;")) {
                    return new ArgsPrologue(mv, frames, OKHTTP + "CallInterceptor", "execute", descriptor);
                }
                if (name.equals("enqueue") && endsWith(args, "/Callback") && descriptor.endsWith(")V")) {
                    return new ArgsPrologue(mv, frames, OKHTTP + "CallInterceptor", "enqueue", descriptor);
                }
                return null;
            case OKHTTP_RETRY:
                // OkHttp 4: recover(IOException, RealCall, Request, boolean); 5: recover(IOException, RealCall, Chain, Request)
                if (name.equals("recover") && descriptor.endsWith(")Z") && args.length == 4
                        && args[0].getDescriptor().equals("Ljava/io/IOException;")) {
                    return new ArgsPrologue(mv, frames, OKHTTP + "RecoveryGuard", "recover", descriptor);
                }
                return null;
            case OKHTTP_CLIENT:
                if (name.equals("<init>") && endsWith(args, "/OkHttpClient$Builder")) {
                    // Before super(): only the argument may be used, never the uninitialised this.
                    return new AtEntry(mv, 1, OKHTTP + "ClientTuning", "beforeClient", "(Ljava/lang/Object;)V");
                }
                return null;
            default:
                return null;
        }
    }

    /** Whether the argument types are objects whose internal names end as given, one for one. */
    private static boolean endsWith(Type[] args, String... suffixes) {
        if (args.length != suffixes.length) {
            return false;
        }
        for (int i = 0; i < args.length; i++) {
            if (args[i].getSort() != Type.OBJECT || !args[i].getInternalName().endsWith(suffixes[i])) {
                return false;
            }
        }
        return true;
    }

    /** Pushes {@code user, password} (the method's arguments), or two nulls for {@code getConnection()}. */
    static void loadCredentials(MethodVisitor mv, boolean withCredentials) {
        if (withCredentials) {
            mv.visitVarInsn(Opcodes.ALOAD, 1);
            mv.visitVarInsn(Opcodes.ALOAD, 2);
        } else {
            mv.visitInsn(Opcodes.ACONST_NULL);
            mv.visitInsn(Opcodes.ACONST_NULL);
        }
    }

    /**
     * A data source class defined after the agent: {@code getConnection}'s own code is sent to
     * the private method {@link #BORROW_BODY}, unchanged, and the public method (which keeps its
     * annotations and attributes) gets, in its place:
     *
     * <pre>
     * Object token = DataSourceInterceptor.borrowStart(this);
     * if (token == null) return lifeline$getConnection(args);
     * Connection c;
     * try { c = lifeline$getConnection(args); }
     * catch (Throwable t) { return (Connection) DataSourceInterceptor.borrowFailed(t, token, this, withCredentials, user, password); }
     * DataSourceInterceptor.borrowSucceeded(token);
     * return c;
     * </pre>
     *
     * So a borrow runs the pool's code once, with no second pass through a prologue and no
     * thread-local flag to tell the two apart (the shape of a class loaded before the agent), and
     * the JIT sees two small methods it can inline into the application's call site. The new code
     * has its own locals only, so its frames never depend on the body's.
     */
    static final class SplitBorrow extends MethodVisitor {
        private static final String INTERCEPTOR = JDBC + "DataSourceInterceptor";
        private final MethodVisitor body;
        private final String owner;
        private final String descriptor;
        private final boolean frames;

        SplitBorrow(MethodVisitor publicMethod, MethodVisitor body, String owner, String descriptor, boolean frames) {
            super(Opcodes.ASM9, publicMethod);
            this.body = body;
            this.owner = owner;
            this.descriptor = descriptor;
            this.frames = frames;
        }

        @Override
        public void visitCode() {
            writeBorrow(mv);
            mv.visitEnd();
            mv = body; // from here on, the original code: to the private method
            super.visitCode();
        }

        @Override
        public void visitEnd() {
            if (mv != body) {
                // No code was visited (cannot happen for a non-abstract method): the body method still needs one.
                throw new IllegalStateException("getConnection without code in " + owner);
            }
            super.visitEnd();
        }

        private void writeBorrow(MethodVisitor out) {
            boolean withCredentials = descriptor.equals(GET_CONNECTION_WITH_CREDENTIALS);
            int token = withCredentials ? 3 : 1;
            Label managed = new Label();
            Label tryStart = new Label();
            Label tryEnd = new Label();
            Label handler = new Label();
            out.visitCode();
            out.visitTryCatchBlock(tryStart, tryEnd, handler, "java/lang/Throwable");
            out.visitVarInsn(Opcodes.ALOAD, 0);
            out.visitMethodInsn(Opcodes.INVOKESTATIC, INTERCEPTOR, "borrowStart", "(Ljava/lang/Object;)Ljava/lang/Object;", false);
            out.visitVarInsn(Opcodes.ASTORE, token);
            out.visitVarInsn(Opcodes.ALOAD, token);
            out.visitJumpInsn(Opcodes.IFNONNULL, managed);
            callBody(out, withCredentials); // not Lifeline's acquisition: the body, plainly
            out.visitInsn(Opcodes.ARETURN);

            out.visitLabel(managed);
            if (frames) {
                out.visitFrame(Opcodes.F_APPEND, 1, new Object[]{OBJECT}, 0, null);
            }
            out.visitLabel(tryStart);
            callBody(out, withCredentials);
            out.visitLabel(tryEnd);
            out.visitVarInsn(Opcodes.ALOAD, token);
            out.visitMethodInsn(Opcodes.INVOKESTATIC, INTERCEPTOR, "borrowSucceeded", "(Ljava/lang/Object;)V", false);
            out.visitInsn(Opcodes.ARETURN);

            out.visitLabel(handler);
            if (frames) {
                out.visitFrame(Opcodes.F_SAME1, 0, null, 1, new Object[]{"java/lang/Throwable"});
            }
            out.visitVarInsn(Opcodes.ALOAD, token);
            out.visitVarInsn(Opcodes.ALOAD, 0);
            out.visitInsn(withCredentials ? Opcodes.ICONST_1 : Opcodes.ICONST_0);
            loadCredentials(out, withCredentials);
            out.visitMethodInsn(Opcodes.INVOKESTATIC, INTERCEPTOR, "borrowFailed",
                    "(Ljava/lang/Throwable;Ljava/lang/Object;Ljava/lang/Object;ZLjava/lang/String;Ljava/lang/String;)Ljava/lang/Object;",
                    false);
            out.visitTypeInsn(Opcodes.CHECKCAST, "java/sql/Connection");
            out.visitInsn(Opcodes.ARETURN);
            out.visitMaxs(6, token + 1);
        }

        private void callBody(MethodVisitor out, boolean withCredentials) {
            out.visitVarInsn(Opcodes.ALOAD, 0);
            if (withCredentials) {
                loadCredentials(out, true);
            }
            // invokespecial: a private method of the class itself, valid in class files of any version
            out.visitMethodInsn(Opcodes.INVOKESPECIAL, owner, BORROW_BODY, descriptor, false);
        }
    }

    /** What every hook shares: static calls into Lifeline, and the stack it adds to the method's. */
    abstract static class Hook extends MethodVisitor {
        private final int extraStack;

        Hook(MethodVisitor mv, int extraStack) {
            super(Opcodes.ASM9, mv);
            this.extraStack = extraStack;
        }

        void invokeStatic(String owner, String name, String descriptor) {
            super.visitMethodInsn(Opcodes.INVOKESTATIC, owner, name, descriptor, false);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            super.visitMaxs(maxStack + extraStack, maxLocals);
        }
    }

    /** Hands over at entry; a non-null answer is returned instead of running the body. */
    abstract static class Prologue extends Hook {
        private final boolean frames;

        Prologue(MethodVisitor mv, boolean frames) {
            super(mv, 6);
            this.frames = frames;
        }

        /**
         * Leaves the answer (an Object, null for "run the body") on the stack. May jump to
         * {@code runBody} itself with one null Object on the stack.
         */
        abstract void handOver(Label runBody);

        /** Returns the non-null answer on the stack. */
        abstract void returnHandled();

        @Override
        public final void visitCode() {
            super.visitCode();
            Label runBody = new Label();
            handOver(runBody);
            super.visitInsn(Opcodes.DUP);
            super.visitJumpInsn(Opcodes.IFNULL, runBody);
            returnHandled();
            // The one branch target: the null answer is still on the stack and is dropped there.
            super.visitLabel(runBody);
            if (frames) {
                super.visitFrame(Opcodes.F_SAME1, 0, null, 1, new Object[]{OBJECT});
            }
            super.visitInsn(Opcodes.POP);
        }

        void loadThisAndArguments(int references) {
            for (int slot = 0; slot <= references; slot++) {
                super.visitVarInsn(Opcodes.ALOAD, slot);
            }
        }

        void returnAs(String internalName) {
            super.visitTypeInsn(Opcodes.CHECKCAST, internalName);
            super.visitInsn(Opcodes.ARETURN);
        }
    }

    /**
     * For JDK classes, which cannot link to the agent: reads the bridge's {@code Function} field of
     * the method's name and, if set, applies it to {@code {this, arguments...}}.
     */
    static final class BridgePrologue extends Prologue {
        private final String bridge;
        private final String field;
        private final Type returnType;
        private final int arguments;

        BridgePrologue(MethodVisitor mv, boolean frames, String bridge, String field, String descriptor, int arguments) {
            super(mv, frames);
            this.bridge = bridge;
            this.field = field;
            this.returnType = Type.getReturnType(descriptor);
            this.arguments = arguments;
        }

        @Override
        void handOver(Label runBody) {
            // Function f = Bridge.field; if (f == null) run the body; else f.apply(new Object[]{this, args})
            mv.visitFieldInsn(Opcodes.GETSTATIC, bridge, field, "L" + FUNCTION + ";");
            mv.visitInsn(Opcodes.DUP);
            mv.visitJumpInsn(Opcodes.IFNULL, runBody);
            pushIntConstant(arguments + 1);
            mv.visitTypeInsn(Opcodes.ANEWARRAY, OBJECT);
            for (int slot = 0; slot <= arguments; slot++) {
                mv.visitInsn(Opcodes.DUP);
                pushIntConstant(slot);
                mv.visitVarInsn(Opcodes.ALOAD, slot);
                mv.visitInsn(Opcodes.AASTORE);
            }
            mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, FUNCTION, "apply", "(Ljava/lang/Object;)Ljava/lang/Object;", true);
        }

        private void pushIntConstant(int value) {
            mv.visitInsn(Opcodes.ICONST_0 + value);
        }

        @Override
        void returnHandled() {
            if (returnType.getSort() == Type.VOID) {
                mv.visitInsn(Opcodes.POP);
                mv.visitInsn(Opcodes.RETURN);
            } else {
                returnAs(returnType.getInternalName());
            }
        }
    }

    /** Calls {@code owner.method(this)} (or of the reference in another local slot) at entry. */
    static final class AtEntry extends Hook {
        private final int slot;
        private final String owner;
        private final String method;
        private final String descriptor;

        AtEntry(MethodVisitor mv, String owner, String method, String descriptor) {
            this(mv, 0, owner, method, descriptor);
        }

        AtEntry(MethodVisitor mv, int slot, String owner, String method, String descriptor) {
            super(mv, 1);
            this.slot = slot;
            this.owner = owner;
            this.method = method;
            this.descriptor = descriptor;
        }

        @Override
        public void visitCode() {
            super.visitCode();
            super.visitVarInsn(Opcodes.ALOAD, slot);
            invokeStatic(owner, method, descriptor);
        }
    }

    /**
     * For library classes, which can link to the agent: {@code Object h = owner.method(new
     * Object[]{this, args...})} (primitives boxed); a non-null answer is returned (cast, or unboxed
     * for a primitive return type), null runs the body.
     */
    static final class ArgsPrologue extends Prologue {
        private final String owner;
        private final String method;
        private final Type[] arguments;
        private final Type returnType;

        ArgsPrologue(MethodVisitor mv, boolean frames, String owner, String method, String descriptor) {
            super(mv, frames);
            this.owner = owner;
            this.method = method;
            this.arguments = Type.getArgumentTypes(descriptor);
            this.returnType = Type.getReturnType(descriptor);
        }

        @Override
        void handOver(Label runBody) {
            pushInt(arguments.length + 1);
            mv.visitTypeInsn(Opcodes.ANEWARRAY, OBJECT);
            mv.visitInsn(Opcodes.DUP);
            mv.visitInsn(Opcodes.ICONST_0);
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            mv.visitInsn(Opcodes.AASTORE);
            int slot = 1;
            for (int i = 0; i < arguments.length; i++) {
                Type arg = arguments[i];
                mv.visitInsn(Opcodes.DUP);
                pushInt(i + 1);
                mv.visitVarInsn(arg.getOpcode(Opcodes.ILOAD), slot);
                box(arg);
                mv.visitInsn(Opcodes.AASTORE);
                slot += arg.getSize();
            }
            invokeStatic(owner, method, "([Ljava/lang/Object;)Ljava/lang/Object;");
        }

        private void pushInt(int value) {
            if (value <= 5) {
                mv.visitInsn(Opcodes.ICONST_0 + value);
            } else {
                mv.visitIntInsn(Opcodes.BIPUSH, value);
            }
        }

        private void box(Type type) {
            String wrapper = wrapper(type);
            if (wrapper != null) {
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, wrapper, "valueOf", "(" + type.getDescriptor() + ")L" + wrapper + ";", false);
            }
        }

        @Override
        void returnHandled() {
            int sort = returnType.getSort();
            if (sort == Type.VOID) {
                mv.visitInsn(Opcodes.POP);
                mv.visitInsn(Opcodes.RETURN);
            } else if (sort == Type.OBJECT || sort == Type.ARRAY) {
                returnAs(returnType.getInternalName());
            } else {
                String wrapper = wrapper(returnType);
                mv.visitTypeInsn(Opcodes.CHECKCAST, wrapper);
                mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, wrapper, returnType.getClassName() + "Value",
                        "()" + returnType.getDescriptor(), false);
                mv.visitInsn(returnType.getOpcode(Opcodes.IRETURN));
            }
        }

        private static String wrapper(Type type) {
            switch (type.getSort()) {
                case Type.BOOLEAN: return "java/lang/Boolean";
                case Type.BYTE: return "java/lang/Byte";
                case Type.CHAR: return "java/lang/Character";
                case Type.SHORT: return "java/lang/Short";
                case Type.INT: return "java/lang/Integer";
                case Type.LONG: return "java/lang/Long";
                case Type.FLOAT: return "java/lang/Float";
                case Type.DOUBLE: return "java/lang/Double";
                default: return null;
            }
        }
    }

    /** Runs {@link #atReturn()} before every return instruction of the given opcode. */
    abstract static class BeforeReturn extends Hook {
        private final int returnOpcode;

        BeforeReturn(MethodVisitor mv, int returnOpcode) {
            this(mv, returnOpcode, 2);
        }

        BeforeReturn(MethodVisitor mv, int returnOpcode, int extraStack) {
            super(mv, extraStack);
            this.returnOpcode = returnOpcode;
        }

        abstract void atReturn();

        @Override
        public void visitInsn(int opcode) {
            if (opcode == returnOpcode) {
                atReturn();
            }
            super.visitInsn(opcode);
        }
    }
}

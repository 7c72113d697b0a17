package dev.lifeline.jdbc;

import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

import java.sql.SQLException;

/** Inlined into every {@code DataSource.getConnection()} and {@code getConnection(user, password)}. */
public final class DataSourceAdvice {

    private DataSourceAdvice() {
    }

    /** {@code getConnection()}. */
    public static final class NoArguments {
        private NoArguments() {
        }

        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        public static Object enter(@Advice.This Object dataSource) throws SQLException {
            return DataSourceInterceptor.getConnection(dataSource, false, null, null);
        }

        @Advice.OnMethodExit
        public static void exit(@Advice.Enter Object handled,
                                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object result) {
            if (handled != null) {
                result = handled;
            }
        }
    }

    /** {@code getConnection(String user, String password)}. */
    public static final class WithCredentials {
        private WithCredentials() {
        }

        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        public static Object enter(@Advice.This Object dataSource,
                                   @Advice.Argument(0) String user,
                                   @Advice.Argument(1) String password) throws SQLException {
            return DataSourceInterceptor.getConnection(dataSource, true, user, password);
        }

        @Advice.OnMethodExit
        public static void exit(@Advice.Enter Object handled,
                                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object result) {
            if (handled != null) {
                result = handled;
            }
        }
    }
}

package dev.lifeline.jdbc;

import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

import java.sql.SQLException;
import java.util.Properties;

/** Inlined into every {@code Driver.connect(String, Properties)}: hands over, nothing more. */
public final class DriverConnectAdvice {

    private DriverConnectAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    public static Object enter(@Advice.This Object driver,
                               @Advice.Argument(0) String url,
                               @Advice.Argument(1) Properties info) throws SQLException {
        return DriverConnectInterceptor.connect(driver, url, info);
    }

    @Advice.OnMethodExit
    public static void exit(@Advice.Enter Object handled,
                            @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object result) {
        if (handled != null) {
            result = handled == DriverConnectInterceptor.DECLINED ? null : handled;
        }
    }
}

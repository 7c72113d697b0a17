package dev.lifeline.jdbc;

import net.bytebuddy.asm.Advice;

/** Inlined into {@code com.zaxxer.hikari.HikariConfig.validate()}. */
public final class HikariValidateAdvice {

    private HikariValidateAdvice() {
    }

    @Advice.OnMethodEnter
    public static void enter(@Advice.This Object config) {
        HikariTuning.beforeValidate(config);
    }
}

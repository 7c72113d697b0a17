package dev.lifeline.jdbc;

import net.bytebuddy.asm.Advice;

/** Inlined into pgjdbc's {@code org.postgresql.core.PGStream.receiveChar()}. */
public final class PgStreamAdvice {

    private PgStreamAdvice() {
    }

    @Advice.OnMethodExit
    public static void exit(@Advice.Return int messageType) {
        ProtocolSignals.received(messageType);
    }
}

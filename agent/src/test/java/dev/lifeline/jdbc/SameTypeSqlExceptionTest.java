package dev.lifeline.jdbc;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SameTypeSqlExceptionTest {

    @Test
    void keepsTheTypeSqlStateAndVendorCodeAndAddsTheExplanation() {
        SQLTransientConnectionException original = new SQLTransientConnectionException("I/O error", "08006", 17);
        SQLException rebuilt = SameTypeSqlException.withMessage(original, "lifeline: outcome unknown");
        assertEquals(SQLTransientConnectionException.class, rebuilt.getClass());
        assertEquals("08006", rebuilt.getSQLState());
        assertEquals(17, rebuilt.getErrorCode());
        assertSame(original, rebuilt.getCause());
        assertTrue(rebuilt.getMessage().startsWith("I/O error [lifeline: outcome unknown"), rebuilt.getMessage());
    }

    @Test
    void aTypeWithoutAFittingConstructorIsKeptWithTheExplanationSuppressed() {
        SQLException original = new Odd();
        SQLException result = SameTypeSqlException.withMessage(original, "lifeline: outcome unknown");
        assertSame(original, result);
        assertEquals("lifeline: outcome unknown", result.getSuppressed()[0].getMessage());
    }

    static final class Odd extends SQLException {
        Odd() {
            super("odd", "08006");
        }
    }
}

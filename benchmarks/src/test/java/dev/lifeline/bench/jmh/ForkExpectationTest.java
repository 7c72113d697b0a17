package dev.lifeline.bench.jmh;

import org.junit.jupiter.api.Test;
import stubjdbc.StubConnection;
import stubjdbc.StubDriver;
import stubjdbc.StubPreparedStatement;
import stubjdbc.StubStatement;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The test JVM has no agent: it is a bare fork, and the check must say so either way. */
class ForkExpectationTest {

    @Test
    void aBareForkAcceptsTheStubDriversOwnObjects() throws Exception {
        StubDriver.register();
        try (Connection connection = DriverManager.getConnection("jdbc:stub:test");
             Statement statement = connection.createStatement();
             PreparedStatement insert = connection.prepareStatement(JdbcHotPath.INSERT)) {
            ForkExpectation.check("getConnection", connection, StubConnection.class);
            ForkExpectation.check("createStatement", statement, StubStatement.class);
            ForkExpectation.check("prepareStatement", insert, StubPreparedStatement.class);
            insert.setLong(1, 42);
            assertEquals(1, insert.executeUpdate());
        }
    }

    @Test
    void aBareForkFailsLoudlyOnAnythingElse() throws Exception {
        StubDriver.register();
        try (Connection connection = DriverManager.getConnection("jdbc:stub:test")) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> ForkExpectation.check("createStatement", connection, StubStatement.class));
            assertTrue(e.getMessage().contains("must measure the bare driver"), e.getMessage());
        }
    }

    /** Without the agent each client answers a 503 once and its caller gets it: the bare fork's check passes. */
    @Test
    void withoutTheAgentEachClientAnswersTheFailingGetOnce() throws Exception {
        HttpHotPath.Hc5 hc5 = new HttpHotPath.Hc5();
        hc5.open();
        assertEquals(200, HttpHotPath.hc5Get(hc5.client));
        hc5.close();
        HttpHotPath.Hc4 hc4 = new HttpHotPath.Hc4();
        hc4.open();
        assertEquals(200, HttpHotPath.hc4Get(hc4.client));
        hc4.close();
        HttpHotPath.OkHttp okhttp = new HttpHotPath.OkHttp();
        okhttp.open();
        assertEquals(200, HttpHotPath.okhttpGet(okhttp.client, okhttp.request));
        okhttp.close();
        assertThrows(IllegalStateException.class, () -> ForkExpectation.checkAnswers("a client Lifeline retried", 2));
    }
}

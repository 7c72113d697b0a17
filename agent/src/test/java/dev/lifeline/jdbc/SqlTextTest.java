package dev.lifeline.jdbc;

import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SqlTextTest {

    @Test
    void plainSelectsAreReads() {
        assertTrue(SqlText.isPlainRead("SELECT 1"));
        assertTrue(SqlText.isPlainRead("  /* report */ -- note\n select count(*) from orders where id > ?"));
        assertTrue(SqlText.isPlainRead("(SELECT a FROM t) UNION (SELECT b FROM u)"));
        assertTrue(SqlText.isPlainRead("values (1)"));
        assertTrue(SqlText.isPlainRead("SELECT 1;"));
    }

    @Test
    void selectsThatChangeSomethingAreWrites() {
        assertFalse(SqlText.isPlainRead("SELECT * FROM t FOR UPDATE"));
        assertFalse(SqlText.isPlainRead("select nextval('seq')"));
        assertFalse(SqlText.isPlainRead("SELECT * INTO copy FROM t"));
        assertFalse(SqlText.isPlainRead("select pg_advisory_lock(1)"));
        assertFalse(SqlText.isPlainRead("SELECT 1; DELETE FROM t"));
        assertFalse(SqlText.isPlainRead("WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d"));
        assertFalse(SqlText.isPlainRead("selection"));
        assertFalse(SqlText.isPlainRead("INSERT INTO t VALUES (1)"));
        assertFalse(SqlText.isPlainRead(null));
    }

    @Test
    void configuredPatternsMarkStatementsAsSafeToRunTwice() {
        Pattern upsert = Pattern.compile("on conflict do nothing", Pattern.CASE_INSENSITIVE);
        assertTrue(SqlText.matchesAny("INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING", Collections.singletonList(upsert)));
        assertFalse(SqlText.matchesAny("INSERT INTO t VALUES (1)", Collections.singletonList(upsert)));
    }
}

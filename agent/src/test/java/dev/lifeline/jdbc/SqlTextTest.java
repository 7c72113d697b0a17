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

    @Test
    void recognisesTransactionsTheApplicationOpensAndEndsWithSql() {
        assertTrue(SqlText.beginsTransaction("BEGIN"));
        assertTrue(SqlText.beginsTransaction("  /* app */ begin isolation level serializable"));
        assertTrue(SqlText.beginsTransaction("START TRANSACTION READ ONLY"));
        assertFalse(SqlText.beginsTransaction("SELECT 'begin'"));
        assertFalse(SqlText.beginsTransaction("beginning"));
        assertTrue(SqlText.beginsTransaction("StArT transaction"), "either case, letter by letter");
        assertFalse(SqlText.beginsTransaction("select 1"), "same first letter as START");
        assertFalse(SqlText.beginsTransaction("b"), "shorter than the word");
        assertFalse(SqlText.beginsTransaction("be"));
        assertFalse(SqlText.beginsTransaction("insert into t values (1)"), "answered from the first letter");
        assertFalse(SqlText.beginsTransaction("UPDATE t SET begin = 1"));
        assertFalse(SqlText.beginsTransaction(""));
        assertTrue(SqlText.beginsTransaction("\n\tbegin"), "leading white space is still skipped");
        assertTrue(SqlText.beginsTransaction("-- app\nBEGIN"), "and comments");
        assertTrue(SqlText.beginsTransaction("(begin)"));
        assertFalse(SqlText.endsTransaction("e"));
        assertTrue(SqlText.endsTransaction("Abort"));
        assertTrue(SqlText.endsTransaction("COMMIT"));
        assertTrue(SqlText.endsTransaction("end"));
        assertTrue(SqlText.endsTransaction("ROLLBACK"));
        assertFalse(SqlText.endsTransaction("ROLLBACK TO SAVEPOINT a"), "the transaction goes on");
        assertFalse(SqlText.endsTransaction("endless()"));
        assertFalse(SqlText.beginsTransaction(null));
    }

    @Test
    void recognisesSqlWhoseStateASessionLoses() {
        assertTrue(SqlText.losesSessionState("SET LOCAL statement_timeout = 1000"));
        assertTrue(SqlText.losesSessionState("set search_path to app"));
        assertTrue(SqlText.losesSessionState("CREATE TEMP TABLE t (id int)"));
        assertTrue(SqlText.losesSessionState("SELECT pg_advisory_xact_lock(7)"));
        assertTrue(SqlText.losesSessionState("LISTEN events"));
        assertTrue(SqlText.losesSessionState("DECLARE c CURSOR FOR SELECT 1"));
        assertTrue(SqlText.losesSessionState(null), "unknown text counts as losing state");
        assertFalse(SqlText.losesSessionState("SELECT id, name FROM users WHERE id = ?"));
        assertFalse(SqlText.losesSessionState("select settings from accounts"));
    }
}

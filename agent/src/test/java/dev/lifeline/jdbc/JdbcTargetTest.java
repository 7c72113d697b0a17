package dev.lifeline.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class JdbcTargetTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "jdbc:postgresql://db.example.com/app?password=x                 | db.example.com:5432/app",
        "jdbc:postgresql://127.0.0.1:6543/postgres?sslmode=require        | 127.0.0.1:6543/postgres",
        "jdbc:postgresql://h1:5432,h2:5433/app?targetServerType=primary   | h1:5432/app",
        "jdbc:postgresql://[::1]:5433/app                                 | [::1]:5433/app",
        "jdbc:postgresql://[2001:db8::7]/app                              | [2001:db8::7]:5432/app",
        "jdbc:postgresql://aws-0-eu-central-1.pooler.supabase.com:5432/postgres?user=postgres.abc&password=s3cret | aws-0-eu-central-1.pooler.supabase.com:5432/postgres",
        "jdbc:postgresql:app                                              | localhost:5432/app",
        "jdbc:postgresql://localhost/                                     | localhost:5432/",
        "JDBC:PostgreSQL://Db.Example.com/App                             | Db.Example.com:5432/App",
        "jdbc:mysql://user:pa55@db:3307/shop?useSSL=false                  | db:3307/shop",
        "jdbc:mysql://user:pa/ss@word@db/shop                              | db:3306/shop",
        "jdbc:mysql://db                                                   | db:3306/",
        "jdbc:mysql:loadbalance://m1,m2:3310/shop                          | m1:3306/shop",
        "jdbc:mysql://address=(host=m1)(port=3311)(user=u)(password=p)/shop | m1:3311/shop",
        "jdbc:mysql://(host=m1,port=3312,user=u,password=p),(host=m2)/shop | m1:3312/shop",
        "jdbc:mariadb://maria.local/shop?password=p                         | maria.local:3306/shop",
        "jdbc:mariadb:failover://mx1,mx2/shop                               | mx1:3306/shop",
        "jdbc:sqlserver://sql.local;databaseName=crm;user=sa;password=p     | sql.local:1433/crm",
        "jdbc:sqlserver://sql.local:1500;database=crm;password=p            | sql.local:1500/crm",
        "jdbc:sqlserver://;serverName=sql2;databaseName=crm;password=p      | sql2:1433/crm",
        "jdbc:oracle:thin:@ora.local:1521/ORCLPDB                           | ora.local:1521/ORCLPDB",
        "jdbc:oracle:thin:@ora.local:1522:ORCL                              | ora.local:1522/ORCL",
        "jdbc:oracle:thin:scott/tiger@ora.local:1521/svc                    | ora.local:1521/svc",
        "jdbc:oracle:thin:@//ora.local/svc                                  | ora.local:1521/svc",
        "jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=ora1)(PORT=1523))(CONNECT_DATA=(SERVICE_NAME=sales))) | ora1:1523/sales",
        "jdbc:oracle:thin:@mydb_high?TNS_ADMIN=/wallet                      | oracle:mydb_high",
        "jdbc:h2:mem:test;DB_CLOSE_DELAY=-1                                 | h2:mem:test",
        "jdbc:h2:tcp://localhost:9092/~/test;USER=sa;PASSWORD=x             | h2:localhost:9092/~/test",
        "jdbc:derby://dhost:1527/db;user=u;password=p                       | derby:dhost:1527/db",
        "jdbc:sqlite:/var/data/app.db                                       | sqlite:/var/data/app.db",
        "jdbc:db2://dbhost:50000/SAMPLE:user=u;password=p;                  | db2:dbhost:50000/",
        "jdbc:foo:user:secret@fhost/db                                      | foo:fhost/db",
        "not a jdbc url                                                     | unknown",
        "jdbc:                                                              | unknown",
    })
    void reducesUrlToHostPortDatabase(String url, String expected) {
        assertEquals(expected, JdbcTarget.of(url));
    }

    @Test
    void nullIsUnknown() {
        assertEquals("unknown", JdbcTarget.of(null));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "jdbc:postgresql://user:p?ss@host/app",
        "jdbc:postgresql://user:p#ss@host/app",
        "jdbc:postgresql://host/app?user=a@b.com&password=hunter2",
        "jdbc:mysql://root:hunter2@db/shop",
        "jdbc:mysql://root:hunter2/x@db/shop",
        "jdbc:oracle:thin:scott/hunter2@ora:1521/svc",
        "jdbc:oracle:thin:scott/\"hunt@er2\"@ora:1521/svc",
        "jdbc:sqlserver://sql;password=hunter2;databaseName=crm",
        "jdbc:weird:x=1&password=hunter2",
        "jdbc:weird://hunter2:x@",
    })
    void neverShowsThePassword(String url) {
        String target = JdbcTarget.of(url);
        assertFalse(target.contains("hunter2") || target.contains("p?ss") || target.contains("ss@"),
                url + " gave " + target);
    }
}

package dev.lifeline.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.lifeline.config.LifelineConfig;
import dev.lifeline.retry.RetryListener;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DataSourceTargetsTest {

    /** A pool as HikariCP names its database: {@code getJdbcUrl()}. */
    public static final class NamedPool extends DataSourceSkeleton {
        private final String url;
        int urlReads;

        NamedPool(String url) {
            this.url = url;
        }

        public String getJdbcUrl() {
            urlReads++;
            return url;
        }

        @Override
        public Connection getConnection() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Connection getConnection(String user, String password) {
            throw new UnsupportedOperationException();
        }
    }

    @BeforeEach
    void install() throws Exception {
        JdbcRuntime.install(LifelineConfig.load("", Collections.emptyMap(), Collections.emptyMap(), line -> {
        }), RetryListener.NONE, JdbcEvents.NONE);
        DataSourceTargets.clear();
    }

    @AfterEach
    void uninstall() {
        DataSourceTargets.clear();
        JdbcRuntime.uninstall();
    }

    @Test
    void poolsUsedInTurnKeepTheirOwnTargetsAndAreAskedForTheirUrlOnce() {
        JdbcRuntime runtime = JdbcRuntime.get();
        NamedPool primary = new NamedPool("jdbc:postgresql://primary:5432/app");
        NamedPool replica = new NamedPool("jdbc:postgresql://replica:5432/app");
        DataSourceTargets.of(primary, runtime);
        DataSourceTargets.of(replica, runtime);
        Object seen = DataSourceTargets.recentArray();
        for (int i = 0; i < 100; i++) {
            assertEquals("primary:5432/app", DataSourceTargets.of(primary, runtime).name);
            assertEquals("replica:5432/app", DataSourceTargets.of(replica, runtime).name);
        }
        assertSame(seen, DataSourceTargets.recentArray(), "a borrow from a known pool writes nothing shared");
        assertEquals(1, primary.urlReads);
        assertEquals(1, replica.urlReads);
    }

    @Test
    void moreDataSourcesThanAreKeptAtHandStillFindTheirTargetsWithoutAskingAgain() {
        JdbcRuntime runtime = JdbcRuntime.get();
        List<NamedPool> tenants = new ArrayList<>();
        for (int t = 0; t < DataSourceTargets.RECENT * 3; t++) {
            tenants.add(new NamedPool("jdbc:postgresql://tenant" + t + ":5432/app"));
        }
        for (int round = 0; round < 3; round++) {
            for (int t = 0; t < tenants.size(); t++) {
                assertEquals("tenant" + t + ":5432/app", DataSourceTargets.of(tenants.get(t), runtime).name);
            }
        }
        for (NamedPool tenant : tenants) {
            assertEquals(1, tenant.urlReads, "the locked map answers what the recent ones do not");
        }
        NamedPool first = tenants.get(0);
        assertSame(DataSourceTargets.of(first, runtime), DataSourceTargets.of(first, runtime));
    }
}

package dev.lifeline.demo.workload;

import org.postgresql.PGConnection;
import org.postgresql.PGStatement;
import org.postgresql.jdbc.PgConnection;
import org.postgresql.jdbc.PgStatement;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * An ordinary application that uses pgjdbc's own types: unwrap to PGConnection and PGStatement,
 * casts to the interfaces and to the concrete classes (PgConnection, PgStatement, the
 * package-private PgPreparedStatement), a formerly final method, isWrapperFor,
 * Statement.getConnection(), metadata, and a batch with generated keys. Prints
 * {@code RESULT ok=N failed=M} and one FAILURE line per check that did not hold.
 */
public final class DriverInterfacesCheck {

    public static void main(String[] args) throws Exception {
        String url = Options.parse(args).get("url");
        int ok = 0;
        int failed = 0;
        try (Connection connection = DriverManager.getConnection(url)) {
            PGConnection pg = connection.unwrap(PGConnection.class);
            if (pg.getBackendPID() > 0 && connection.isWrapperFor(PGConnection.class)) {
                ok++;
            } else {
                failed++;
                System.out.println("FAILURE check=unwrap");
            }
            if (((PGConnection) connection).getBackendPID() == pg.getBackendPID()) {
                ok++;
            } else {
                failed++;
                System.out.println("FAILURE check=cast");
            }
            try (PreparedStatement statement = connection.prepareStatement("SELECT ?::int")) {
                statement.unwrap(PGStatement.class).setPrepareThreshold(1);
                statement.setInt(1, 41);
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) == 41 && statement.getConnection() == connection) {
                        ok++;
                    } else {
                        failed++;
                        System.out.println("FAILURE check=statement");
                    }
                }
            }
            // The driver's concrete classes: instanceof, casts, unwrap to them, their own methods.
            if (connection instanceof PgConnection && connection.unwrap(PgConnection.class) == connection
                    && ((PgConnection) connection).getParameterStatus("server_version") != null
                    && ((PgConnection) connection).getQueryExecutor().getBackendPID() == pg.getBackendPID()) {
                ok++;
            } else {
                failed++;
                System.out.println("FAILURE check=concrete-connection class=" + connection.getClass().getName());
            }
            try (Statement plain = connection.createStatement();
                 PreparedStatement prepared = connection.prepareStatement("SELECT 1")) {
                Class<?> pgPrepared = Class.forName("org.postgresql.jdbc.PgPreparedStatement");
                if (plain instanceof PgStatement && ((PgStatement) plain).getPrepareThreshold() >= 0
                        && pgPrepared.isInstance(prepared) && prepared.unwrap(PgStatement.class) == prepared) {
                    ok++;
                } else {
                    failed++;
                    System.out.println("FAILURE check=concrete-statement class=" + prepared.getClass().getName());
                }
            }
            if (connection.getMetaData().getDatabaseProductName().equals("PostgreSQL")
                    && connection.getMetaData().getTables(null, null, "pg_class", null) != null) {
                ok++;
            } else {
                failed++;
                System.out.println("FAILURE check=metadata");
            }
            try (Statement ddl = connection.createStatement()) {
                ddl.execute("CREATE TEMPORARY TABLE interface_check (id serial PRIMARY KEY, v int)");
            }
            try (PreparedStatement batch = connection.prepareStatement("INSERT INTO interface_check (v) VALUES (?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                for (int v = 1; v <= 3; v++) {
                    batch.setInt(1, v);
                    batch.addBatch();
                }
                int[] counts = batch.executeBatch();
                int keys = 0;
                try (ResultSet generated = batch.getGeneratedKeys()) {
                    while (generated.next()) {
                        keys++;
                    }
                }
                if (counts.length == 3 && keys == 3) {
                    ok++;
                } else {
                    failed++;
                    System.out.println("FAILURE check=batch-keys counts=" + counts.length + " keys=" + keys);
                }
            }
            try (Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                if (rs.getInt(1) == pg.getBackendPID()) {
                    ok++;
                } else {
                    failed++;
                    System.out.println("FAILURE check=same-session");
                }
            }
        }
        System.out.println("RESULT ok=" + ok + " failed=" + failed);
    }
}

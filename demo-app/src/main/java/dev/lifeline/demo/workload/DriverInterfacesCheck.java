package dev.lifeline.demo.workload;

import org.postgresql.PGConnection;
import org.postgresql.PGStatement;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * An ordinary application that uses pgjdbc's own interfaces: unwrap to PGConnection and
 * PGStatement, a cast to PGConnection, isWrapperFor, and Statement.getConnection(). Prints
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

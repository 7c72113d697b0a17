package dev.lifeline.demo.workload;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * A small JDBC application for start-up measurements: connects, runs one query, prints its peak
 * resident memory (Linux {@code VmHWM}) and exits.
 */
public final class SmallJdbcApp {

    public static void main(String[] args) throws Exception {
        try (Connection connection = DriverManager.getConnection(args[0]);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("select 1")) {
            rs.next();
        }
        System.out.println("PEAK_RSS_KB=" + peakRssKb());
    }

    static long peakRssKb() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception e) {
            return -1;
        }
        return -1;
    }
}

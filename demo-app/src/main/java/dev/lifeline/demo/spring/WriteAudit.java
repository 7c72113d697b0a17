package dev.lifeline.demo.spring;

import dev.lifeline.demo.db.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The service's writes checked against the rows in PostgreSQL, by their client-chosen keys: every
 * acknowledged order must be there exactly once; one whose request failed may be there at most once
 * (its outcome was unknown to the client, but it must never have been written twice).
 */
public final class WriteAudit {

    /** Orders the client was told were placed (HTTP 201). */
    public final int acknowledged;
    /** Acknowledged orders not in the table. */
    public final int lost;
    /** Extra copies of any order, acknowledged or not. */
    public final int doubled;
    /** Write requests that failed. */
    public final int unacknowledged;
    /** Failed write requests whose order is in the table all the same (committed, reply lost or failed after). */
    public final int unacknowledgedButStored;

    private WriteAudit(int acknowledged, int lost, int doubled, int unacknowledged, int unacknowledgedButStored) {
        this.acknowledged = acknowledged;
        this.lost = lost;
        this.doubled = doubled;
        this.unacknowledged = unacknowledged;
        this.unacknowledgedButStored = unacknowledgedButStored;
    }

    public static WriteAudit check(Database database, String keyPrefix, List<ServiceLoad.Request> requests) throws SQLException {
        Map<String, Integer> rows = new HashMap<>();
        try (Connection admin = database.admin();
             PreparedStatement s = admin.prepareStatement(
                     "SELECT client_key, count(*) FROM placed_orders WHERE client_key LIKE ? GROUP BY client_key")) {
            s.setString(1, keyPrefix + "-%");
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        int acknowledged = 0;
        int lost = 0;
        int unacknowledged = 0;
        int stored = 0;
        for (ServiceLoad.Request r : requests) {
            if (r.kind != ServiceLoad.Kind.WRITE) {
                continue;
            }
            int copies = rows.getOrDefault(r.key, 0);
            if (r.ok()) {
                acknowledged++;
                lost += copies == 0 ? 1 : 0;
            } else {
                unacknowledged++;
                stored += copies > 0 ? 1 : 0;
            }
        }
        int doubled = 0;
        for (int copies : rows.values()) {
            doubled += Math.max(0, copies - 1);
        }
        return new WriteAudit(acknowledged, lost, doubled, unacknowledged, stored);
    }

    @Override
    public String toString() {
        return "acknowledged=" + acknowledged + " lost=" + lost + " doubled=" + doubled + " unacknowledged=" + unacknowledged
                + " unacknowledgedButStored=" + unacknowledgedButStored;
    }
}

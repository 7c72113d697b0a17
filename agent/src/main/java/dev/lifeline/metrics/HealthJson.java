package dev.lifeline.metrics;

import dev.lifeline.breaker.CircuitBreaker;
import dev.lifeline.limit.ConnectionCap;

import java.time.Instant;
import java.util.List;

/**
 * The body of {@code GET /health}: per target its open connections and waiters under the cap,
 * breaker state, call counts, and the time and code (SQLState or HTTP status) of its last
 * failure. {@code status} is {@code "degraded"} while any breaker is not closed, else {@code "up"}.
 * Built by hand: no JSON library in the host, and every string that goes in is a target name or a
 * code Lifeline produced itself, escaped anyway.
 */
final class HealthJson {

    private HealthJson() {
    }

    static String render(List<TargetHealth> targets, long nowMillis) {
        boolean degraded = false;
        for (TargetHealth t : targets) {
            degraded |= t.breaker.state() != CircuitBreaker.State.CLOSED;
        }
        StringBuilder json = new StringBuilder(256 + 400 * targets.size());
        json.append("{\"status\":\"").append(degraded ? "degraded" : "up").append('"');
        json.append(",\"time\":\"").append(Instant.ofEpochMilli(nowMillis)).append('"');
        json.append(",\"targets\":[");
        for (int i = 0; i < targets.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            target(json, targets.get(i));
        }
        return json.append("]}").toString();
    }

    private static void target(StringBuilder json, TargetHealth t) {
        json.append("{\"kind\":\"").append(t.kind.tag()).append('"');
        json.append(",\"target\":");
        string(json, t.target);
        ConnectionCap cap = t.cap();
        if (cap != null) {
            json.append(",\"connections\":{\"open\":").append(cap.inUse())
                    .append(",\"waiting\":").append(cap.waiters())
                    .append(",\"max\":").append(cap.max() == ConnectionCap.UNLIMITED ? "null" : String.valueOf(cap.max()))
                    .append(",\"cap\":\"").append(cap.adaptive() ? "adaptive" : "fixed").append('"')
                    .append(",\"refusals\":").append(cap.refusals())
                    .append(",\"peak\":").append(cap.peakInUse()).append('}');
        } else {
            json.append(",\"connections\":null");
        }
        CircuitBreaker breaker = t.breaker;
        json.append(",\"breaker\":{\"enabled\":").append(breaker.config().enabled())
                .append(",\"state\":\"").append(breaker.state().label()).append('"');
        long until = breaker.openUntilEpochMillis();
        json.append(",\"openUntil\":");
        if (until > 0) {
            json.append('"').append(Instant.ofEpochMilli(until)).append('"');
        } else {
            json.append("null");
        }
        json.append('}');
        json.append(",\"calls\":{\"success\":").append(t.succeeded())
                .append(",\"failure\":").append(t.callsFailed.sum())
                .append(",\"rejected\":").append(t.callsRejected.sum()).append('}');
        json.append(",\"retries\":").append(t.retries.sum());
        json.append(",\"recoveries\":").append(t.recoveries.sum());
        json.append(",\"giveUps\":").append(t.giveUpsTotal());
        json.append(",\"evictions\":").append(t.evictionsTotal());
        json.append(",\"replays\":").append(t.replays.sum());
        TargetHealth.LastFailure last = t.lastFailure();
        json.append(",\"lastFailure\":");
        if (last == null) {
            json.append("null");
        } else {
            json.append("{\"time\":\"").append(Instant.ofEpochMilli(last.epochMillis)).append('"');
            json.append(",\"type\":");
            string(json, last.type);
            json.append(",\"sqlState\":");
            string(json, last.sqlState);
            json.append(",\"httpStatus\":");
            json.append(last.httpStatus > 0 ? Integer.toString(last.httpStatus) : "null");
            json.append('}');
        }
        json.append('}');
    }

    static void string(StringBuilder json, String value) {
        if (value == null) {
            json.append("null");
            return;
        }
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"':
                    json.append("\\\"");
                    break;
                case '\\':
                    json.append("\\\\");
                    break;
                default:
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
            }
        }
        json.append('"');
    }
}

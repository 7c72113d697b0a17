package dev.lifeline.jdbc;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JDBC URL reduced to what may be shown in logs, messages and metric tags:
 * {@code host:port/database}. Users, passwords and properties never survive: URLs carry them in
 * user-info ({@code user:pass@host}), Oracle's {@code user/pass@}, query strings and
 * {@code ;key=value} lists. Anything this cannot parse confidently is reduced further, never passed
 * through.
 */
public final class JdbcTarget {

    private static final String UNKNOWN = "unknown";
    private static final int MAX_LENGTH = 120;

    private static final Pattern WORD = Pattern.compile("[a-z0-9][a-z0-9+._-]*");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.%]+\\]");
    private static final Pattern HOST_WITH_INSTANCE = Pattern.compile("[A-Za-z0-9._-]+(\\\\[A-Za-z0-9_$-]+)?");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");
    private static final Pattern DATABASE = Pattern.compile("[A-Za-z0-9_.$~+%-]*");
    private static final Pattern PATH = Pattern.compile("[A-Za-z0-9_.$~+%:/\\\\-]*");
    private static final Pattern KEYED_HOST = Pattern.compile("(?i)\\bhost\\s*=\\s*([^,)(\\s]+)");
    private static final Pattern KEYED_PORT = Pattern.compile("(?i)\\bport\\s*=\\s*([0-9]{1,5})");
    private static final Pattern KEYED_SERVICE = Pattern.compile("(?i)\\b(?:service_name|sid)\\s*=\\s*([^)(\\s]+)");

    private JdbcTarget() {
    }

    /** E.g. {@code jdbc:postgresql://db.example.com/app?password=x} gives {@code db.example.com:5432/app}. */
    public static String of(String jdbcUrl) {
        if (jdbcUrl == null) {
            return UNKNOWN;
        }
        try {
            String target = parse(jdbcUrl.trim());
            return target.length() <= MAX_LENGTH ? target : target.substring(0, MAX_LENGTH);
        } catch (RuntimeException unexpected) {
            return UNKNOWN; // a target name must never break the call it names
        }
    }

    private static String parse(String url) {
        if (!url.regionMatches(true, 0, "jdbc:", 0, 5)) {
            return UNKNOWN;
        }
        String rest = url.substring(5);
        int colon = rest.indexOf(':');
        if (colon <= 0) {
            return UNKNOWN;
        }
        String sub = rest.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!WORD.matcher(sub).matches()) {
            return UNKNOWN;
        }
        String body = rest.substring(colon + 1);
        switch (sub) {
            case "postgresql":
            case "pgsql":
                // pgjdbc also accepts jdbc:postgresql:database (local host, default port)
                return body.startsWith("//") ? hostBased(sub, body.substring(2), "5432") : localDatabase(body, "5432");
            case "mysql":
            case "mysql+srv":
            case "mariadb":
                return hostBased(sub, afterSubSubprotocol(body), "3306");
            case "sqlserver":
                return sqlServer(body);
            case "oracle":
                return oracle(body);
            default:
                return generic(sub, body);
        }
    }

    /** {@code jdbc:mysql:loadbalance://h1,h2/db}, {@code jdbc:mariadb:failover://...}. */
    private static String afterSubSubprotocol(String body) {
        int slashes = body.indexOf("//");
        return slashes < 0 ? body : body.substring(slashes + 2);
    }

    private static String localDatabase(String body, String port) {
        String db = cutAt(body, "?#;");
        if (db.startsWith("/")) {
            db = db.substring(1);
        }
        return "localhost:" + port + "/" + (DATABASE.matcher(db).matches() ? db : "");
    }

    private static String hostBased(String sub, String s, String defaultPort) {
        String beforeQuery = cutAt(s, "?#;");
        // user:pass@host: everything up to the LAST '@' is credentials (a password may contain '/').
        int at = beforeQuery.lastIndexOf('@');
        if (at >= 0) {
            beforeQuery = beforeQuery.substring(at + 1);
        }
        int slash = beforeQuery.indexOf('/');
        String authority = slash < 0 ? beforeQuery : beforeQuery.substring(0, slash);
        String path = slash < 0 ? "" : beforeQuery.substring(slash + 1);
        String hostPort = firstHostPort(authority, defaultPort);
        if (hostPort == null) {
            return sub + ":" + UNKNOWN;
        }
        return hostPort + "/" + (DATABASE.matcher(path).matches() ? path : "");
    }

    /** The first host of a multi-host list, with the default port when none is given; null if unsafe. */
    private static String firstHostPort(String authority, String defaultPort) {
        if (authority.contains("=")) { // MySQL's address=(host=h)(port=p) and (host=h,port=p) forms
            Matcher host = KEYED_HOST.matcher(authority);
            if (!host.find()) {
                return null;
            }
            Matcher port = KEYED_PORT.matcher(authority);
            return hostAndPort(host.group(1), port.find(host.start()) ? port.group(1) : defaultPort);
        }
        String first = authority;
        int comma = first.indexOf(',');
        if (comma >= 0) {
            first = first.substring(0, comma);
        }
        if (first.isEmpty()) {
            return hostAndPort("localhost", defaultPort);
        }
        if (first.startsWith("[")) { // IPv6
            int close = first.indexOf(']');
            if (close < 0) {
                return null;
            }
            String tail = first.substring(close + 1);
            if (tail.isEmpty()) {
                return hostAndPort(first.substring(0, close + 1), defaultPort);
            }
            return tail.startsWith(":") ? hostAndPort(first.substring(0, close + 1), tail.substring(1)) : null;
        }
        int colon = first.indexOf(':');
        if (colon < 0) {
            return hostAndPort(first, defaultPort);
        }
        return hostAndPort(first.substring(0, colon), first.substring(colon + 1));
    }

    private static String hostAndPort(String host, String port) {
        if (!HOST.matcher(host).matches()) {
            return null;
        }
        if (port == null) {
            return host;
        }
        return PORT.matcher(port).matches() ? host + ":" + port : null;
    }

    /** {@code jdbc:sqlserver://host\instance:1433;databaseName=db;user=u;password=p}. */
    private static String sqlServer(String body) {
        String s = body.startsWith("//") ? body.substring(2) : body;
        String[] parts = s.split(";");
        String server = parts[0];
        String host = null;
        String port = null;
        String db = "";
        int colon = server.lastIndexOf(':');
        if (colon >= 0) {
            host = server.substring(0, colon);
            port = server.substring(colon + 1);
        } else if (!server.isEmpty()) {
            host = server;
        }
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = parts[i].substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = parts[i].substring(eq + 1).trim();
            if (key.equals("servername") && host == null) {
                host = value;
            } else if ((key.equals("portnumber") || key.equals("port")) && port == null) {
                port = value;
            } else if (key.equals("databasename") || key.equals("database")) {
                db = value;
            }
        }
        if (host == null || host.isEmpty()) {
            host = "localhost";
        }
        if (!HOST_WITH_INSTANCE.matcher(host).matches() || !PORT.matcher(port == null ? "1433" : port).matches()) {
            return "sqlserver:" + UNKNOWN;
        }
        return host + ":" + (port == null ? "1433" : port) + "/" + (DATABASE.matcher(db).matches() ? db : "");
    }

    /**
     * {@code jdbc:oracle:thin:@host:1521/service}, {@code @host:1521:SID}, {@code @//host/service},
     * {@code user/pass@host...}, {@code @(DESCRIPTION=...)} and TNS aliases ({@code @mydb_high}).
     */
    private static String oracle(String body) {
        int colon = body.indexOf(':');
        String spec = colon < 0 ? body : body.substring(colon + 1);
        int at = spec.lastIndexOf('@'); // user/pass@ before it
        spec = at >= 0 ? spec.substring(at + 1) : spec;
        if (spec.startsWith("(")) {
            Matcher host = KEYED_HOST.matcher(spec);
            if (!host.find()) {
                return "oracle:" + UNKNOWN;
            }
            Matcher port = KEYED_PORT.matcher(spec);
            String hostPort = hostAndPort(host.group(1), port.find(host.start()) ? port.group(1) : "1521");
            Matcher service = KEYED_SERVICE.matcher(spec);
            String db = service.find() ? service.group(1) : "";
            if (hostPort == null) {
                return "oracle:" + UNKNOWN;
            }
            return hostPort + "/" + (DATABASE.matcher(db).matches() ? db : "");
        }
        spec = cutAt(spec.startsWith("//") ? spec.substring(2) : spec, "?#;");
        String[] hostPortSid = spec.split(":", -1);
        if (hostPortSid.length == 1 && spec.indexOf('/') < 0) { // a TNS alias names no host
            return DATABASE.matcher(spec).matches() ? "oracle:" + spec : "oracle:" + UNKNOWN;
        }
        String host;
        String port = "1521";
        String db = "";
        int slash = spec.indexOf('/');
        String authority = slash < 0 ? spec : spec.substring(0, slash);
        if (slash >= 0) {
            db = spec.substring(slash + 1);
        }
        String[] pieces = authority.split(":", -1);
        host = pieces[0];
        if (pieces.length >= 2) {
            port = pieces[1];
        }
        if (pieces.length == 3 && slash < 0) {
            db = pieces[2]; // host:port:SID
        } else if (pieces.length > 3 || (pieces.length == 3 && slash >= 0)) {
            return "oracle:" + UNKNOWN;
        }
        String hostPort = hostAndPort(host, port);
        if (hostPort == null) {
            return "oracle:" + UNKNOWN;
        }
        return hostPort + "/" + (DATABASE.matcher(db).matches() ? db : "");
    }

    /** Other drivers: {@code <subprotocol>:host[:port]/path} or {@code <subprotocol>:path}, no properties. */
    private static String generic(String sub, String body) {
        String s = cutAt(body, "?#;&");
        int at = s.lastIndexOf('@');
        if (at >= 0) {
            s = s.substring(at + 1);
        }
        int slashes = s.indexOf("//");
        if (slashes >= 0) {
            String afterSlashes = s.substring(slashes + 2);
            int slash = afterSlashes.indexOf('/');
            String authority = slash < 0 ? afterSlashes : afterSlashes.substring(0, slash);
            String path = slash < 0 ? "" : afterSlashes.substring(slash + 1);
            String hostPort = firstHostPort(authority, null);
            if (hostPort == null) {
                return sub + ":" + UNKNOWN;
            }
            return sub + ":" + hostPort + (path.isEmpty() ? "" : "/" + (PATH.matcher(path).matches() ? path : ""));
        }
        return sub + ":" + (PATH.matcher(s).matches() && !s.isEmpty() ? s : UNKNOWN);
    }

    private static String cutAt(String s, String delimiters) {
        for (int i = 0; i < s.length(); i++) {
            if (delimiters.indexOf(s.charAt(i)) >= 0) {
                return s.substring(0, i);
            }
        }
        return s;
    }
}

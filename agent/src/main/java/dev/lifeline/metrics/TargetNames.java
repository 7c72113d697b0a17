package dev.lifeline.metrics;

/**
 * Last line of defence for the {@code target} tag: the JDBC and HTTP code already pass
 * {@code host:port/database} and {@code host:port}, but whatever reaches a tag, a log line or
 * {@code /health} loses any scheme, user-info ({@code user:password@}), query string, fragment and
 * {@code ;key=value} parameters here.
 */
final class TargetNames {

    private static final int MAX_LENGTH = 200;

    private TargetNames() {
    }

    static String sanitize(String target) {
        if (target == null || target.isEmpty()) {
            return "unknown";
        }
        String s = target;
        int scheme = s.indexOf("://");
        if (scheme >= 0) {
            s = s.substring(scheme + 3);
        }
        s = cutAt(s, "?#;");
        int at = s.lastIndexOf('@'); // a password may contain '/' or '@': everything before the last '@' goes
        if (at >= 0) {
            s = s.substring(at + 1);
        }
        StringBuilder clean = new StringBuilder(Math.min(s.length(), MAX_LENGTH));
        for (int i = 0; i < s.length() && clean.length() < MAX_LENGTH; i++) {
            char c = s.charAt(i);
            clean.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '_');
        }
        return clean.length() == 0 ? "unknown" : clean.toString();
    }

    private static String cutAt(String s, String chars) {
        int end = s.length();
        for (int i = 0; i < chars.length(); i++) {
            int at = s.indexOf(chars.charAt(i));
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        return s.substring(0, end);
    }
}

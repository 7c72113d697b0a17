package dev.lifeline.demo.spring;

/** Reads one string field of Spring Boot's error response ({@code {"message":"...","trace":"..."}}). */
final class ErrorJson {

    private ErrorJson() {
    }

    /** The field's value, unescaped; empty when it is absent. */
    static String string(String json, String field) {
        if (json == null) {
            return "";
        }
        int at = json.indexOf("\"" + field + "\"");
        if (at < 0) {
            return "";
        }
        int i = json.indexOf(':', at + field.length() + 2);
        while (i >= 0 && ++i < json.length() && Character.isWhitespace(json.charAt(i))) {
            // skip to the value
        }
        if (i < 0 || i >= json.length() || json.charAt(i) != '"') {
            return "";
        }
        StringBuilder value = new StringBuilder();
        for (i++; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c == '"') {
                break;
            }
            if (c == '\\' && i + 1 < json.length()) {
                char e = json.charAt(++i);
                switch (e) {
                    case 'n': value.append('\n'); break;
                    case 't': value.append('\t'); break;
                    case 'r': value.append('\r'); break;
                    case 'b': value.append('\b'); break;
                    case 'f': value.append('\f'); break;
                    case 'u':
                        if (i + 4 < json.length()) {
                            value.append((char) Integer.parseInt(json.substring(i + 1, i + 5), 16));
                            i += 4;
                        }
                        break;
                    default: value.append(e);
                }
            } else {
                value.append(c);
            }
        }
        return value.toString();
    }
}

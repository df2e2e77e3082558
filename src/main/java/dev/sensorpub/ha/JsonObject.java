package dev.sensorpub.ha;

/**
 * A JSON object written field by field in the order given, for discovery configs built once at
 * start. Just enough JSON: strings, whole numbers, booleans, string arrays and nested objects.
 */
final class JsonObject {
    private final StringBuilder text = new StringBuilder("{");

    JsonObject string(String key, String value) {
        return key(key).quoted(value);
    }

    JsonObject number(String key, long value) {
        key(key).text.append(value);
        return this;
    }

    JsonObject bool(String key, boolean value) {
        key(key).text.append(value);
        return this;
    }

    JsonObject strings(String key, String... values) {
        key(key).text.append('[');
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                text.append(',');
            }
            quoted(values[i]);
        }
        text.append(']');
        return this;
    }

    JsonObject object(String key, JsonObject value) {
        key(key).text.append(value);
        return this;
    }

    @Override
    public String toString() {
        return text + "}";
    }

    private JsonObject key(String key) {
        if (text.length() > 1) {
            text.append(',');
        }
        quoted(key).text.append(':');
        return this;
    }

    /** RFC 8259 escaping: quote, backslash and control characters; everything else as is (UTF-8 on the wire). */
    private JsonObject quoted(String value) {
        text.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> text.append("\\\"");
                case '\\' -> text.append("\\\\");
                case '\n' -> text.append("\\n");
                case '\t' -> text.append("\\t");
                default -> {
                    if (c < 0x20) {
                        text.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
                    } else {
                        text.append(c);
                    }
                }
            }
        }
        text.append('"');
        return this;
    }
}

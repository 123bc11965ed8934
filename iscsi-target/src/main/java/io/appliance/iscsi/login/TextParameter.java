package io.appliance.iscsi.login;

import java.util.Objects;

/**
 * One key=value pair of a text data segment (RFC 7143 §6.1).
 *
 * @param key   the key, case-sensitive, without the '='
 * @param value the value as sent (a list value keeps its commas)
 */
public record TextParameter(String key, String value) {

    public TextParameter {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
        return key + "=" + value;
    }
}

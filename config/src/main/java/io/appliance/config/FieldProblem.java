package io.appliance.config;

import java.util.Objects;

/**
 * One reason a configuration value or API request is refused, tied to the field the operator has
 * to fix.
 *
 * @param field   the field's name as the operator writes it (YAML key or JSON property), with a
 *                dotted path for nested fields
 * @param message what is wrong, in words that tell how to fix it
 */
public record FieldProblem(String field, String message) {

    public FieldProblem {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }

    /** {@code field 'chapSecret': must be at least 12 bytes}. */
    public String describe() {
        return "field '" + field + "': " + message;
    }

    @Override
    public String toString() {
        return describe();
    }
}

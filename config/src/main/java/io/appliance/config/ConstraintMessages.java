package io.appliance.config;

import jakarta.validation.ConstraintValidatorContext;

/** Helpers for the constraint validators of this package. */
final class ConstraintMessages {

    private ConstraintMessages() {
    }

    /**
     * Replaces the default violation with {@code message}, escaped so that the validator does not
     * interpret braces or dollar signs in it as expressions. Returns false (the value is invalid).
     */
    static boolean replace(ConstraintValidatorContext context, String message) {
        context.disableDefaultConstraintViolation();
        String literal = message.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}").replace("$", "\\$");
        context.buildConstraintViolationWithTemplate(literal).addConstraintViolation();
        return false;
    }
}

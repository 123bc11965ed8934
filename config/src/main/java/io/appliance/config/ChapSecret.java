package io.appliance.config;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The annotated string is an acceptable CHAP secret per {@link ChapRules#secretProblem}. Null is
 * valid (an absent secret); the violation message never contains the secret.
 */
@Documented
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.TYPE_USE, ElementType.RECORD_COMPONENT})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = ChapSecret.Validator.class)
public @interface ChapSecret {

    String message() default "must be a valid CHAP secret";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Checks {@link ChapSecret}. */
    final class Validator implements ConstraintValidator<ChapSecret, String> {
        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            if (value == null) {
                return true;
            }
            return ChapRules.secretProblem(value).map(problem -> ConstraintMessages.replace(context, problem)).orElse(true);
        }
    }
}

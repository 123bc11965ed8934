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
 * The annotated string is a valid iSCSI name per {@link IscsiNames}. Null is valid (combine with
 * {@code @NotNull}); the violation message says which rule is broken.
 */
@Documented
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.TYPE_USE, ElementType.RECORD_COMPONENT})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = IscsiName.Validator.class)
public @interface IscsiName {

    String message() default "must be a valid iSCSI name";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Checks {@link IscsiName}. */
    final class Validator implements ConstraintValidator<IscsiName, String> {
        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            if (value == null) {
                return true;
            }
            return IscsiNames.problem(value).map(problem -> ConstraintMessages.replace(context, problem)).orElse(true);
        }
    }
}

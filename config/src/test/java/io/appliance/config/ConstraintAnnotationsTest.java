package io.appliance.config;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ConstraintAnnotationsTest {

    record Entry(@IscsiName String initiator, @ChapUser String user, @ChapSecret String secret) {
    }

    private static ValidatorFactory factory;
    private static Validator validator;

    @BeforeAll
    static void startValidator() {
        factory = Validation.buildDefaultValidatorFactory();
        validator = factory.getValidator();
    }

    @AfterAll
    static void closeValidator() {
        factory.close();
    }

    @Test
    void validValuesAndNullsPass() {
        assertThat(validator.validate(new Entry("iqn.2026-11.io.appliance:client1", "client1", "secret-of-12+chars"))).isEmpty();
        assertThat(validator.validate(new Entry(null, null, null))).isEmpty();
    }

    @Test
    void violationsCarryTheSpecificRuleAndThePropertyName() {
        Set<ConstraintViolation<Entry>> violations =
                validator.validate(new Entry("iqn.2001-13.com.example", "", "{short}$x"));
        assertThat(violations).extracting(v -> v.getPropertyPath().toString() + ": " + v.getMessage())
                .containsExactlyInAnyOrder(
                        "initiator: has month 13 in its date; must be 01..12 (RFC 3720 §3.2.6.3.1)",
                        "user: must not be empty",
                        "secret: must be at least 12 bytes (96 bits, RFC 7143 §12.1.3)");
    }
}

package io.appliance.config;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Rules for configured CHAP credentials (RFC 1994 as used by RFC 7143 §12.1.3).
 *
 * <p>Secret length: RFC 7143 §12.1.3 forbids secrets shorter than 96 bits, so at least
 * {@value #MIN_SECRET_BYTES} bytes. It sets no maximum. Microsoft's initiator accepts at most 16
 * bytes, but open-iscsi and libiscsi accept longer ones, so longer secrets are allowed up to
 * {@value #MAX_SECRET_BYTES} bytes; an operator with Windows initiators keeps them at 12..16.
 */
public final class ChapRules {

    /** RFC 7143 §12.1.3: at least 96 bits. */
    public static final int MIN_SECRET_BYTES = 12;
    /** Upper bound chosen here: longer secrets add nothing and would bloat Login PDUs. */
    public static final int MAX_SECRET_BYTES = 255;
    /** CHAP_N is a text value (RFC 7143 §6.1); bounded like the secret. */
    public static final int MAX_USER_BYTES = 255;

    private ChapRules() {
    }

    /** Why {@code user} cannot be a CHAP name, or empty when it can. */
    public static Optional<String> userProblem(String user) {
        if (user == null || user.isEmpty()) {
            return Optional.of("must not be empty");
        }
        if (user.getBytes(StandardCharsets.UTF_8).length > MAX_USER_BYTES) {
            return Optional.of("must be at most " + MAX_USER_BYTES + " bytes");
        }
        if (hasControlCharacter(user)) {
            return Optional.of("must not contain control characters");
        }
        return Optional.empty();
    }

    /** Why {@code secret} cannot be a CHAP secret, or empty when it can. Never quotes the secret. */
    public static Optional<String> secretProblem(String secret) {
        int bytes = secret == null ? 0 : secret.getBytes(StandardCharsets.UTF_8).length;
        if (bytes < MIN_SECRET_BYTES) {
            return Optional.of("must be at least " + MIN_SECRET_BYTES + " bytes (96 bits, RFC 7143 §12.1.3)");
        }
        if (bytes > MAX_SECRET_BYTES) {
            return Optional.of("must be at most " + MAX_SECRET_BYTES + " bytes");
        }
        if (hasControlCharacter(secret)) {
            return Optional.of("must not contain control characters");
        }
        return Optional.empty();
    }

    /**
     * Checks one user/secret pair: both or neither must be given, and each must be valid.
     *
     * @return the problems, each naming {@code userField} or {@code secretField}; empty when fine
     */
    public static List<FieldProblem> pairProblems(String userField, String user, String secretField, String secret) {
        List<FieldProblem> problems = completenessProblems(userField, user, secretField, secret);
        if (user != null) {
            userProblem(user).ifPresent(message -> problems.add(new FieldProblem(userField, message)));
        }
        if (secret != null) {
            secretProblem(secret).ifPresent(message -> problems.add(new FieldProblem(secretField, message)));
        }
        return problems;
    }

    /**
     * Checks only that a user/secret pair is complete (both or neither), for callers that check
     * each value on its own elsewhere (the {@link ChapUser} and {@link ChapSecret} annotations).
     */
    public static List<FieldProblem> completenessProblems(String userField, String user, String secretField, String secret) {
        List<FieldProblem> problems = new ArrayList<>();
        if (user != null && secret == null) {
            problems.add(new FieldProblem(secretField, "is required when " + userField + " is set"));
        } else if (secret != null && user == null) {
            problems.add(new FieldProblem(userField, "is required when " + secretField + " is set"));
        }
        return problems;
    }

    private static boolean hasControlCharacter(String text) {
        return text.codePoints().anyMatch(Character::isISOControl);
    }
}

package io.appliance.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChapRulesTest {

    @Test
    void secretsNeedTwelveBytesAndMayBeLonger() {
        assertThat(ChapRules.secretProblem("a".repeat(11))).hasValueSatisfying(p -> assertThat(p).contains("at least 12"));
        assertThat(ChapRules.secretProblem("a".repeat(12))).isEmpty();
        assertThat(ChapRules.secretProblem("a".repeat(16))).isEmpty();
        assertThat(ChapRules.secretProblem("discoverysecret12")).isEmpty();
        assertThat(ChapRules.secretProblem("a".repeat(255))).isEmpty();
        assertThat(ChapRules.secretProblem("a".repeat(256))).hasValueSatisfying(p -> assertThat(p).contains("at most 255"));
        assertThat(ChapRules.secretProblem(null)).isPresent();
    }

    @Test
    void secretLengthCountsUtf8Bytes() {
        // six two-byte characters: 12 bytes, 6 characters
        assertThat(ChapRules.secretProblem("éééééé")).isEmpty();
        assertThat(ChapRules.secretProblem("ééééé")).isPresent();
    }

    @Test
    void problemsNeverQuoteTheSecret() {
        String secret = "short\u0001";
        assertThat(ChapRules.secretProblem(secret)).hasValueSatisfying(p -> assertThat(p).doesNotContain("short"));
        assertThat(ChapRules.secretProblem("abcdefghijk\u0007x")).hasValueSatisfying(p -> assertThat(p).contains("control"));
    }

    @Test
    void usersMustBeNonEmptyPrintable() {
        assertThat(ChapRules.userProblem("client1")).isEmpty();
        assertThat(ChapRules.userProblem("")).isPresent();
        assertThat(ChapRules.userProblem("a\nb")).isPresent();
        assertThat(ChapRules.userProblem("u".repeat(256))).isPresent();
    }

    @Test
    void pairsMustBeComplete() {
        assertThat(ChapRules.pairProblems("user", "u", "secret", null))
                .containsExactly(new FieldProblem("secret", "is required when user is set"));
        assertThat(ChapRules.pairProblems("user", null, "secret", "abcdefghijkl"))
                .containsExactly(new FieldProblem("user", "is required when secret is set"));
        assertThat(ChapRules.pairProblems("user", null, "secret", null)).isEmpty();
        assertThat(ChapRules.pairProblems("user", "u", "secret", "abcdefghijkl")).isEmpty();
        assertThat(ChapRules.pairProblems("user", "u", "secret", "short")).extracting(FieldProblem::field).containsExactly("secret");
    }
}

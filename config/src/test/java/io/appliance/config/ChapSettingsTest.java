package io.appliance.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChapSettingsTest {

    private static final String SECRET = "secret-of-12+chars";
    private static final String MUTUAL = "mutual-secret-12";

    @Test
    void noneAndFullSettingsAreValid() {
        assertThat(ChapSettings.NONE.problems()).isEmpty();
        assertThat(ChapSettings.NONE.chapEnabled()).isFalse();
        ChapSettings full = new ChapSettings("client1", SECRET, "target1", MUTUAL);
        assertThat(full.problems()).isEmpty();
        assertThat(full.chapEnabled()).isTrue();
        assertThat(full.mutualChapEnabled()).isTrue();
    }

    @Test
    void mutualChapNeedsChap() {
        assertThat(new ChapSettings(null, null, "target1", MUTUAL).problems())
                .extracting(FieldProblem::field).containsExactly("mutualChapUser");
    }

    @Test
    void theTwoDirectionsNeedDifferentSecrets() {
        assertThat(new ChapSettings("client1", SECRET, "target1", SECRET).problems())
                .extracting(FieldProblem::field).containsExactly("mutualChapSecret");
    }

    @Test
    void incompletePairsNameTheMissingField() {
        assertThat(new ChapSettings("client1", null, null, null).problems())
                .extracting(FieldProblem::field).containsExactly("chapSecret");
        assertThat(new ChapSettings("client1", SECRET, "target1", null).problems())
                .extracting(FieldProblem::field).containsExactly("mutualChapSecret");
    }

    @Test
    void pairingProblemsLeaveSingleValuesToTheAnnotations() {
        ChapSettings shortSecretOnly = new ChapSettings("client1", "short", null, null);
        assertThat(shortSecretOnly.problems()).extracting(FieldProblem::field).containsExactly("chapSecret");
        assertThat(shortSecretOnly.pairingProblems()).isEmpty();
        assertThat(new ChapSettings(null, null, "target1", null).pairingProblems())
                .extracting(FieldProblem::field).containsExactlyInAnyOrder("mutualChapSecret", "mutualChapUser");
    }

    @Test
    void toStringHidesSecrets() {
        String text = new ChapSettings("client1", SECRET, "target1", MUTUAL).toString();
        assertThat(text).contains("client1", "target1").doesNotContain(SECRET).doesNotContain(MUTUAL);
    }

    @Test
    void problemDescriptionNamesTheField() {
        assertThat(new FieldProblem("lun", "must be 0..16383").describe()).isEqualTo("field 'lun': must be 0..16383");
    }
}

package io.appliance.config.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScoreTest {

    @ParameterizedTest
    @CsvSource({"INFINITY,1000000", "+INFINITY,1000000", "-INFINITY,-1000000", "inf,1000000", "-inf,-1000000",
            "+inf,1000000", "Infinity,1000000", "123,123", "-5,-5", "0,0", "5000000,1000000", "-5000000,-1000000"})
    void parsesPacemakerScores(String text, long value) {
        assertThat(Score.parse(text).value()).isEqualTo(value);
    }

    @Test
    void refusesWhatIsNoScore() {
        assertThatThrownBy(() -> Score.parse("often"))
                .isInstanceOfSatisfying(ClusterDefinitionException.class, e -> assertThat(e.field()).isEqualTo("score"))
                .hasMessageContaining("'often' is not a score");
        assertThatThrownBy(() -> Score.parse("resources.locations[0].score", "1.5"))
                .isInstanceOfSatisfying(ClusterDefinitionException.class,
                        e -> assertThat(e.field()).isEqualTo("resources.locations[0].score"));
    }

    @Test
    void sumsSaturateAndMinusInfinityWins() {
        assertThat(Score.of(100).plus(Score.of(-30))).isEqualTo(Score.of(70));
        assertThat(Score.of(900_000).plus(Score.of(900_000))).isEqualTo(Score.INFINITY);
        assertThat(Score.INFINITY.plus(Score.MINUS_INFINITY)).isEqualTo(Score.MINUS_INFINITY);
        assertThat(Score.MINUS_INFINITY.plus(Score.INFINITY)).isEqualTo(Score.MINUS_INFINITY);
        assertThat(Score.MINUS_INFINITY.plus(Score.of(5))).isEqualTo(Score.MINUS_INFINITY);
        assertThat(Score.INFINITY.plus(Score.of(-999_999))).isEqualTo(Score.INFINITY);
        assertThat(Score.of(-900_000).plus(Score.of(-900_000)).isMinusInfinity()).isTrue();
    }

    @Test
    void printsAndOrdersAsPacemaker() {
        assertThat(Score.INFINITY).hasToString("INFINITY");
        assertThat(Score.MINUS_INFINITY).hasToString("-INFINITY");
        assertThat(Score.of(-7)).hasToString("-7");
        assertThat(Score.of(3)).isLessThan(Score.of(4)).isGreaterThan(Score.MINUS_INFINITY);
        assertThat(Score.of(2_000_000).isInfinity()).isTrue();
    }
}

package io.appliance.iscsi.login;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class KeyValuesTest {

    @Test
    void numericalAcceptsDecimalAndHexConstants() {
        assertThat(KeyValues.numerical("0")).hasValue(0);
        assertThat(KeyValues.numerical("262144")).hasValue(262144);
        assertThat(KeyValues.numerical("0x40000")).hasValue(262144);
        assertThat(KeyValues.numerical("0XfF")).hasValue(255);
    }

    @Test
    void numericalRejectsMalformedAndOversizedValues() {
        assertThat(KeyValues.numerical("")).isEmpty();
        assertThat(KeyValues.numerical("-1")).isEmpty();
        assertThat(KeyValues.numerical("+1")).isEmpty();
        assertThat(KeyValues.numerical("1 ")).isEmpty();
        assertThat(KeyValues.numerical("0x")).isEmpty();
        assertThat(KeyValues.numerical("0xg1")).isEmpty();
        assertThat(KeyValues.numerical("\u0663")).as("Arabic-Indic digit three").isEmpty();
        assertThat(KeyValues.numerical("99999999999999999999")).isEmpty();
        assertThat(KeyValues.numerical("0xFFFFFFFFFFFFFFFF")).isEmpty();
        assertThat(KeyValues.numerical("1".repeat(300))).isEmpty();
    }

    @Test
    void numericalInRangeChecksBothBounds() {
        assertThat(KeyValues.numericalInRange("512", 512, 16777215)).isEqualTo(OptionalLong.of(512));
        assertThat(KeyValues.numericalInRange("511", 512, 16777215)).isEmpty();
        assertThat(KeyValues.numericalInRange("16777216", 512, 16777215)).isEmpty();
    }

    @Test
    void booleansAreExactlyYesOrNo() {
        assertThat(KeyValues.bool("Yes")).isEqualTo(Optional.of(true));
        assertThat(KeyValues.bool("No")).isEqualTo(Optional.of(false));
        assertThat(KeyValues.bool("yes")).isEmpty();
        assertThat(KeyValues.bool("")).isEmpty();
    }

    @Test
    void listsSplitOnCommasAndKeepEmptyEntries() {
        assertThat(KeyValues.list("CRC32C,None")).containsExactly("CRC32C", "None");
        assertThat(KeyValues.list("")).containsExactly("");
        assertThat(KeyValues.list("a,,b,")).containsExactly("a", "", "b", "");
    }

    @Test
    void answerConstantsAreRecognised() {
        assertThat(KeyValues.isAnswerConstant("Reject")).isTrue();
        assertThat(KeyValues.isAnswerConstant("Irrelevant")).isTrue();
        assertThat(KeyValues.isAnswerConstant("NotUnderstood")).isTrue();
        assertThat(KeyValues.isAnswerConstant("None")).isFalse();
    }

    @Test
    void binaryValuesDecodeHexAndBase64() {
        assertThat(BinaryValues.decode("0x0102ff", 1024)).hasValueSatisfying(v -> assertThat(v).containsExactly(1, 2, 0xff));
        assertThat(BinaryValues.decode("0x102", 1024)).hasValueSatisfying(v -> assertThat(v).containsExactly(1, 2));
        assertThat(BinaryValues.decode("0bAQL/", 1024)).hasValueSatisfying(v -> assertThat(v).containsExactly(1, 2, 0xff));
        assertThat(BinaryValues.encodeHex(new byte[] {1, (byte) 0xab})).isEqualTo("0x01ab");
    }

    @Test
    void binaryValuesRejectMalformedAndOversizedInput() {
        assertThat(BinaryValues.decode("0x", 1024)).isEmpty();
        assertThat(BinaryValues.decode("0b", 1024)).isEmpty();
        assertThat(BinaryValues.decode("1234", 1024)).isEmpty();
        assertThat(BinaryValues.decode("0xzz", 1024)).isEmpty();
        assertThat(BinaryValues.decode("0b!!!!", 1024)).isEmpty();
        assertThat(BinaryValues.decode("0x" + "ab".repeat(1025), 1024)).isEmpty();
        assertThat(BinaryValues.decode("0x" + "ab".repeat(1024), 1024)).isPresent();
        assertThat(BinaryValues.decode("0b" + "AAAA".repeat(342), 1024)).as("1026 bytes").isEmpty();
    }
}

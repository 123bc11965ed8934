package io.appliance.iscsi.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TextParametersTest {

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void decodesPairsInOrder() throws Exception {
        List<TextParameter> pairs = TextParameters.decode(bytes("InitiatorName=iqn.a\0HeaderDigest=CRC32C,None\0"));

        assertThat(pairs).containsExactly(
                new TextParameter("InitiatorName", "iqn.a"), new TextParameter("HeaderDigest", "CRC32C,None"));
    }

    @Test
    void emptyDataAndPaddingGiveNoPairs() throws Exception {
        assertThat(TextParameters.decode(new byte[0])).isEmpty();
        assertThat(TextParameters.decode(new byte[] {0, 0, 0})).isEmpty();
    }

    @Test
    void trailingPaddingAfterTheLastPairIsIgnored() throws Exception {
        assertThat(TextParameters.decode(bytes("A=1\0\0\0\0"))).containsExactly(new TextParameter("A", "1"));
    }

    @Test
    void valueKeepsEverythingAfterTheFirstEqualsSign() throws Exception {
        assertThat(TextParameters.decode(bytes("X-a=b=c\0"))).containsExactly(new TextParameter("X-a", "b=c"));
    }

    @Test
    void emptyValueIsAllowed() throws Exception {
        assertThat(TextParameters.decode(bytes("SendTargets=\0"))).containsExactly(new TextParameter("SendTargets", ""));
    }

    @Test
    void decodesUtf8Values() throws Exception {
        assertThat(TextParameters.decode(bytes("InitiatorAlias=Serveur numéro 5\0")))
                .containsExactly(new TextParameter("InitiatorAlias", "Serveur numéro 5"));
    }

    @Test
    void rejectsSegmentNotEndingInNul() {
        assertThatThrownBy(() -> TextParameters.decode(bytes("A=1\0B=2")))
                .isInstanceOf(TextFormatException.class).hasMessageContaining("NUL");
    }

    @Test
    void rejectsPairWithoutEquals() {
        assertThatThrownBy(() -> TextParameters.decode(bytes("A=1\0Bogus\0")))
                .isInstanceOf(TextFormatException.class).hasMessageContaining("no '='");
    }

    @Test
    void rejectsEmptyPairBetweenPairs() {
        assertThatThrownBy(() -> TextParameters.decode(bytes("A=1\0\0B=2\0"))).isInstanceOf(TextFormatException.class);
    }

    @Test
    void rejectsEmptyKey() {
        assertThatThrownBy(() -> TextParameters.decode(bytes("=1\0")))
                .isInstanceOf(TextFormatException.class).hasMessageContaining("empty key");
    }

    @Test
    void keyOfMaximumLengthIsAcceptedAndOneMoreIsNot() throws Exception {
        String longest = "K".repeat(TextParameters.MAX_KEY_LENGTH);
        assertThat(TextParameters.decode(bytes(longest + "=v\0"))).hasSize(1);
        assertThatThrownBy(() -> TextParameters.decode(bytes(longest + "K=v\0")))
                .isInstanceOf(TextFormatException.class).hasMessageContaining("key of 64 bytes");
    }

    @Test
    void valueOfMaximumLengthIsAcceptedAndOneMoreIsNot() throws Exception {
        String longest = "v".repeat(TextParameters.MAX_VALUE_LENGTH);
        assertThat(TextParameters.decode(bytes("K=" + longest + "\0")).get(0).value()).hasSize(8192);
        assertThatThrownBy(() -> TextParameters.decode(bytes("K=" + longest + "v\0")))
                .isInstanceOf(TextFormatException.class).hasMessageContaining("8193");
    }

    @Test
    void rejectsInvalidKeyCharacters() {
        assertThatThrownBy(() -> TextParameters.decode(bytes("Bad Key=1\0"))).isInstanceOf(TextFormatException.class);
        assertThatThrownBy(() -> TextParameters.decode(bytes("Clé=1\0"))).isInstanceOf(TextFormatException.class);
    }

    @Test
    void rejectsValuesThatAreNotUtf8() {
        byte[] data = {'A', '=', (byte) 0xC3, (byte) 0x28, 0};
        assertThatThrownBy(() -> TextParameters.decode(data))
                .isInstanceOf(TextFormatException.class).hasMessageContaining("UTF-8");
    }

    @Test
    void pairLimitIsEnforcedBeforeDecoding() throws Exception {
        assertThat(TextParameters.decode(bytes("A=1\0".repeat(TextParameters.MAX_PAIRS)))).hasSize(256);
        assertThatThrownBy(() -> TextParameters.decode(bytes("A=1\0".repeat(TextParameters.MAX_PAIRS + 1))))
                .isInstanceOf(TextFormatException.class).hasMessageContaining("256");
    }

    @Test
    void encodesKeyEqualsValueNulWithoutPadding() {
        byte[] encoded = TextParameters.encode(List.of(new TextParameter("A", "1"), new TextParameter("TargetAlias", "Disque é")));

        assertThat(encoded).isEqualTo(bytes("A=1\0TargetAlias=Disque é\0"));
    }

    @Test
    void encodeThenDecodeIsIdentity() throws Exception {
        List<TextParameter> pairs = List.of(new TextParameter("SendTargets", ""), new TextParameter("CHAP_C", "0xabcdef"),
                new TextParameter("X-com.example.k", "a,b=c"));

        assertThat(TextParameters.decode(TextParameters.encode(pairs))).isEqualTo(pairs);
    }

    @Test
    void randomBytesNeverFailOtherThanWithTextFormatException() {
        Random random = new Random(7143);
        int decoded = 0;
        for (int round = 0; round < 20_000; round++) {
            byte[] data = randomSegment(random);
            try {
                List<TextParameter> pairs = TextParameters.decode(data);
                assertThat(pairs.size()).isLessThanOrEqualTo(TextParameters.MAX_PAIRS);
                decoded++;
            } catch (TextFormatException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
        assertThat(decoded).as("some random segments are well formed").isPositive();
    }

    private static byte[] randomSegment(Random random) {
        byte[] alphabet = {'A', 'b', '=', 0, '-', (byte) 0xC3, (byte) 0xA9, (byte) 0xFF, '1'};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int length = random.nextInt(40);
        for (int i = 0; i < length; i++) {
            out.write(alphabet[random.nextInt(alphabet.length)]);
        }
        if (random.nextBoolean()) {
            out.write(0);
        }
        return out.toByteArray();
    }

    @Test
    void decodedListIsAValueCopyOfTheInput() throws Exception {
        byte[] data = bytes("A=1\0");
        List<TextParameter> pairs = new ArrayList<>(TextParameters.decode(data));
        data[2] = '9';

        assertThat(pairs).containsExactly(new TextParameter("A", "1"));
    }
}

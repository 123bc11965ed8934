package io.appliance.config.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;
import javax.crypto.Mac;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ResourceDefinitionParsingTest {

    @ParameterizedTest
    @CsvSource({"250, 256000", "250k, 256000", "250K, 256000", "10M, 10485760", "10m, 10485760", "1G, 1073741824",
            "0, 0"})
    void ratesWithoutUnitAreKibPerSecondAndUnitsArePowersOf1024(String text, long bytesPerSecond) {
        assertThat(ResourceDefinitionParsing.parseRateBytesPerSecond(text)).isEqualTo(bytesPerSecond);
    }

    @ParameterizedTest
    @CsvSource({"4096, 4096", "1k, 1024", "1M, 1048576", "2G, 2147483648", "1T, 1099511627776", "8s, 4096"})
    void sizesWithoutUnitAreBytes(String text, long bytes) {
        assertThat(ResourceDefinitionParsing.parseSizeBytes(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10X", "M", "-1", "1.5M", "10 M", "1T", "99999999999999999999", "9223372036854775807G"})
    void badRatesAreRefusedWithTheText(String text) {
        assertThatThrownBy(() -> ResourceDefinitionParsing.parseRateBytesPerSecond(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'");
    }

    @Test
    void timeUnitsAreDrbds() {
        assertThat(ResourceDefinitionParsing.parseTenthsOfSecond("5")).isEqualTo(Duration.ofMillis(500));
        assertThat(ResourceDefinitionParsing.parseTenthsOfSecond("60")).isEqualTo(Duration.ofSeconds(6));
        assertThat(ResourceDefinitionParsing.parseSeconds("10")).isEqualTo(Duration.ofSeconds(10));
        assertThatThrownBy(() -> ResourceDefinitionParsing.parseSeconds("10s"))
                .hasMessageContaining("'10s' is not a number of seconds");
        assertThatThrownBy(() -> ResourceDefinitionParsing.parseTenthsOfSecond("99999999999"))
                .hasMessageContaining("too large");
    }

    @Test
    void addressesInEveryDrbdSpelling() {
        assertThat(ResourceDefinitionParsing.parseAddress("10.0.0.1:7789"))
                .isEqualTo(new ResourceDefinitionParsing.Address("ipv4", "10.0.0.1", 7789));
        assertThat(ResourceDefinitionParsing.parseAddress("ipv4 10.0.0.1:7789"))
                .isEqualTo(new ResourceDefinitionParsing.Address("ipv4", "10.0.0.1", 7789));
        assertThat(ResourceDefinitionParsing.parseAddress("ipv6 [fd00::1]:7789"))
                .isEqualTo(new ResourceDefinitionParsing.Address("ipv6", "fd00::1", 7789));
        assertThat(ResourceDefinitionParsing.parseAddress("[::1]:7000"))
                .isEqualTo(new ResourceDefinitionParsing.Address("ipv6", "::1", 7000));
        assertThat(ResourceDefinitionParsing.parseAddress("node1.example:7000"))
                .isEqualTo(new ResourceDefinitionParsing.Address("ipv4", "node1.example", 7000));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "10.0.0.1|is not ADDRESS:PORT",
            "10.0.0.1:0|port '0'",
            "10.0.0.1:70000|port '70000'",
            "10.0.0.1:x|port 'x'",
            "ipv6 fd00::1:7789|needs brackets",
            "ipv4 [fd00::1]:7789|write ipv6 [ADDRESS]:PORT",
            "ipv4 node1:7789|is not an IPv4 address",
            "sdp 10.0.0.1:7789|address family 'sdp' is not supported",
            "ipv6 [zz::1]:7789|is not an IPv6 address",
            "10.0.0.256:1|is not an IPv4 address or host name"})
    void badAddressesSayWhatIsWrong(String text, String problem) {
        assertThatThrownBy(() -> ResourceDefinitionParsing.parseAddress(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(problem);
    }

    @Test
    void afterSb0PriKeepsTheDiscardedNode() {
        assertThat(ResourceDefinitionParsing.parseAfterSb0Pri("discard-node-alpha"))
                .isEqualTo(new ResourceDefinitionParsing.AfterSb0PriSetting(AfterSb0Pri.DISCARD_NODE, Optional.of("alpha")));
        assertThat(ResourceDefinitionParsing.parseAfterSb0Pri("discard-zero-changes"))
                .isEqualTo(new ResourceDefinitionParsing.AfterSb0PriSetting(AfterSb0Pri.DISCARD_ZERO_CHANGES, Optional.empty()));
        assertThatThrownBy(() -> ResourceDefinitionParsing.parseAfterSb0Pri("discard-node"))
                .hasMessageContaining("discard-node-NODENAME");
        assertThatThrownBy(() -> ResourceDefinitionParsing.parseAfterSb0Pri("discard-local"))
                .hasMessageContaining("use discard-node-NODENAME");
        assertThatThrownBy(() -> ResourceDefinitionParsing.parseAfterSb0Pri("panic"))
                .hasMessageContaining("unknown after-sb-0pri 'panic'").hasMessageContaining("discard-least-changes");
    }

    @Test
    void yesNoAndIntegers() {
        assertThat(ResourceDefinitionParsing.parseYesNo("yes")).isTrue();
        assertThat(ResourceDefinitionParsing.parseYesNo("no")).isFalse();
        assertThatThrownBy(() -> ResourceDefinitionParsing.parseYesNo("maybe")).hasMessageContaining("'maybe' is not yes or no");
        assertThat(ResourceDefinitionParsing.parseInteger("7", 7, 65534)).isEqualTo(7);
        assertThatThrownBy(() -> ResourceDefinitionParsing.parseInteger("6", 7, 65534)).hasMessageContaining("out of range 7..65534");
    }

    @Test
    void enumsUseDrbdNamesAndListTheValidOnes() {
        assertThat(OnIoError.fromDrbdName("pass_on")).isEqualTo(OnIoError.PASS_ON);
        assertThat(OnIoError.CALL_LOCAL_IO_ERROR.drbdName()).isEqualTo("call-local-io-error");
        assertThat(FencingPolicy.fromDrbdName("resource-and-stonith")).isEqualTo(FencingPolicy.RESOURCE_AND_STONITH);
        assertThat(AfterSb1Pri.fromDrbdName("violently-as0p")).isEqualTo(AfterSb1Pri.VIOLENTLY_AS0P);
        assertThat(AfterSb2Pri.fromDrbdName("call-pri-lost-after-sb")).isEqualTo(AfterSb2Pri.CALL_PRI_LOST_AFTER_SB);
        assertThat(ReplicationProtocol.fromDrbdName("c")).isEqualTo(ReplicationProtocol.C);
        assertThat(HmacAlgorithm.fromDrbdName("sha256")).isEqualTo(HmacAlgorithm.SHA256);
        assertThat(DigestAlgorithm.fromDrbdName("SHA1")).isEqualTo(DigestAlgorithm.SHA1);
        assertThatThrownBy(() -> DigestAlgorithm.fromDrbdName("sha512"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown digest algorithm 'sha512' (valid: sha1, sha256, crc32c, md5)");
    }

    @Test
    void jcaNamesExistAndDigestLengthsMatch() throws Exception {
        for (DigestAlgorithm algorithm : DigestAlgorithm.values()) {
            if (algorithm.jcaName() == null) {
                assertThat(algorithm).isEqualTo(DigestAlgorithm.CRC32C);
                assertThat(algorithm.digestLength()).isEqualTo(4);
            } else {
                assertThat(MessageDigest.getInstance(algorithm.jcaName()).getDigestLength()).isEqualTo(algorithm.digestLength());
            }
        }
        for (HmacAlgorithm algorithm : HmacAlgorithm.values()) {
            assertThat(Mac.getInstance(algorithm.jcaName())).isNotNull();
        }
    }
}

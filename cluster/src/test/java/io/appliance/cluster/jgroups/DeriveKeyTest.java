package io.appliance.cluster.jgroups;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.config.cluster.ClusterTransportKind;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DeriveKeyTest {

    @Test
    void hkdfMatchesRfc5869TestCase3() {
        byte[] inputKeyMaterial = new byte[22];
        Arrays.fill(inputKeyMaterial, (byte) 0x0b);
        // RFC 5869 A.3: empty salt and info; the first 16 bytes of the 42-byte OKM.
        assertThat(HexFormat.of().formatHex(JGroupsTransport.hkdfSha256(inputKeyMaterial, new byte[0], 16)))
                .isEqualTo("8da4e775a563c18f715f802a063c5a31");
    }

    @Test
    void theKeyIs128BitsAndDependsOnSecretAndClusterName() {
        byte[] key = JGroupsTransport.deriveKey(
                TestClusters.definition("c1", ClusterTransportKind.TCP, 27000, 2, TestClusters.SECRET));
        assertThat(key).hasSize(16);
        assertThat(JGroupsTransport.deriveKey(
                TestClusters.definition("c1", ClusterTransportKind.TCP, 27000, 2, TestClusters.SECRET))).isEqualTo(key);
        assertThat(JGroupsTransport.deriveKey(
                TestClusters.definition("c1", ClusterTransportKind.TCP, 27000, 2, "other-secret"))).isNotEqualTo(key);
        assertThat(JGroupsTransport.deriveKey(
                TestClusters.definition("c2", ClusterTransportKind.TCP, 27000, 2, TestClusters.SECRET))).isNotEqualTo(key);
    }
}

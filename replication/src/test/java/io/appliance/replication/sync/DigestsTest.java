package io.appliance.replication.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.config.replication.DigestAlgorithm;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DigestsTest {

    private static final ByteBuffer ABC = ByteBuffer.wrap("abc".getBytes(StandardCharsets.US_ASCII));

    private static String hex(DigestAlgorithm algorithm, ByteBuffer data) {
        return HexFormat.of().formatHex(Digests.of(algorithm).digest(data));
    }

    @Test
    void knownAnswers() {
        assertThat(hex(DigestAlgorithm.SHA1, ABC)).isEqualTo("a9993e364706816aba3e25717850c26c9cd0d89d");
        assertThat(hex(DigestAlgorithm.SHA256, ABC))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(hex(DigestAlgorithm.MD5, ABC)).isEqualTo("900150983cd24fb0d6963f7d28e17f72");
        // CRC-32C check value of "123456789" (RFC 3720 B.4), big-endian
        assertThat(hex(DigestAlgorithm.CRC32C, ByteBuffer.wrap("123456789".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("e3069283");
    }

    @Test
    void leavesTheBufferAloneAndHasTheAlgorithmsLength() {
        ByteBuffer direct = ByteBuffer.allocateDirect(4096);
        direct.position(100);
        for (DigestAlgorithm algorithm : DigestAlgorithm.values()) {
            byte[] digest = Digests.of(algorithm).digest(direct);
            assertThat(digest).hasSize(algorithm.digestLength());
            assertThat(direct.position()).isEqualTo(100);
        }
    }

    @Test
    void comparesDigests() {
        Digests sha1 = Digests.of(DigestAlgorithm.SHA1);
        byte[] a = sha1.digest(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        byte[] b = sha1.digest(ByteBuffer.wrap(new byte[] {1, 2, 4}));
        assertThat(Digests.same(a, a.clone())).isTrue();
        assertThat(Digests.same(a, b)).isFalse();
        assertThat(Digests.same(a, new byte[0])).isFalse();
    }
}

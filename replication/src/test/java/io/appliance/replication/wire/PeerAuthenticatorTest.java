package io.appliance.replication.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.appliance.config.replication.HmacAlgorithm;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class PeerAuthenticatorTest {

    private final SecureRandom random = new SecureRandom();

    private PeerAuthenticator side(HmacAlgorithm algorithm, String secret) {
        return new PeerAuthenticator(algorithm, secret.getBytes(StandardCharsets.UTF_8), random);
    }

    @Test
    void theRightSecretAuthenticatesBothWays() {
        PeerAuthenticator a = side(HmacAlgorithm.SHA256, "s3cret");
        PeerAuthenticator b = side(HmacAlgorithm.SHA256, "s3cret");
        byte[] challengeA = a.newChallenge();
        byte[] challengeB = b.newChallenge();
        assertThat(challengeA).hasSize(PeerAuthenticator.CHALLENGE_BYTES).isNotEqualTo(challengeB);
        assertThat(a.verify(b.respond(challengeA))).isTrue();
        assertThat(b.verify(a.respond(challengeB))).isTrue();
    }

    @Test
    void aWrongSecretFails() {
        PeerAuthenticator a = side(HmacAlgorithm.SHA1, "s3cret");
        PeerAuthenticator b = side(HmacAlgorithm.SHA1, "S3cret");
        byte[] challenge = a.newChallenge();
        assertThat(a.verify(b.respond(challenge))).isFalse();
    }

    @Test
    void differentAlgorithmsFail() {
        for (HmacAlgorithm left : HmacAlgorithm.values()) {
            for (HmacAlgorithm right : HmacAlgorithm.values()) {
                PeerAuthenticator a = side(left, "same");
                PeerAuthenticator b = side(right, "same");
                byte[] challenge = a.newChallenge();
                assertThat(a.verify(b.respond(challenge))).as("%s vs %s", left, right).isEqualTo(left == right);
            }
        }
    }

    @Test
    void aReflectedChallengeIsRefused() {
        PeerAuthenticator a = side(HmacAlgorithm.SHA256, "s3cret");
        byte[] challenge = a.newChallenge();
        assertThatThrownBy(() -> a.respond(challenge)).isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("reflection");
    }

    @Test
    void aReflectionAfterVerificationIsStillRefused() {
        PeerAuthenticator a = side(HmacAlgorithm.SHA256, "s3cret");
        PeerAuthenticator b = side(HmacAlgorithm.SHA256, "s3cret");
        byte[] challenge = a.newChallenge();
        assertThat(a.verify(b.respond(challenge))).isTrue();
        assertThatThrownBy(() -> a.respond(challenge)).isInstanceOf(AuthenticationException.class);
    }

    @Test
    void aResponseCannotBeReplayedAndNeedsAChallenge() {
        PeerAuthenticator a = side(HmacAlgorithm.MD5, "s3cret");
        PeerAuthenticator b = side(HmacAlgorithm.MD5, "s3cret");
        assertThat(a.verify(new byte[16])).as("no challenge outstanding").isFalse();
        byte[] response = b.respond(a.newChallenge());
        assertThat(a.verify(response)).isTrue();
        assertThat(a.verify(response)).as("challenge used up").isFalse();
        assertThat(a.verify(b.respond(a.newChallenge()))).isTrue();
    }

    @Test
    void theResponseIsTheHmacOfTheChallenge() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
        PeerAuthenticator side = side(HmacAlgorithm.SHA256, "Jefe");
        byte[] response = side.respond("what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII));
        assertThat(HexFormat.of().formatHex(response))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    @Test
    void challengesOutsideTheAllowedLengthsAreRefused() {
        PeerAuthenticator side = side(HmacAlgorithm.SHA1, "s3cret");
        assertThatThrownBy(() -> side.respond(new byte[15])).isInstanceOf(AuthenticationException.class);
        assertThatThrownBy(() -> side.respond(new byte[65])).isInstanceOf(AuthenticationException.class);
        assertThat(side.respond(new byte[64])).hasSize(20);
    }

    @Test
    void anEmptySecretIsRejected() {
        assertThatThrownBy(() -> new PeerAuthenticator(HmacAlgorithm.SHA1, new byte[0], random))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

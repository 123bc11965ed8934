package io.appliance.replication.wire;

import java.util.Arrays;

/** CRAM-HMAC: random bytes (16..64) the peer must answer with HMAC(shared secret, challenge). */
public record AuthChallenge(byte[] challenge) implements Packet {
    public AuthChallenge {
        challenge = FieldChecks.bytes(challenge, WireFormat.MIN_CHALLENGE_BYTES, WireFormat.MAX_CHALLENGE_BYTES,
                "challenge");
    }

    /** A copy of the challenge bytes. */
    @Override
    public byte[] challenge() {
        return challenge.clone();
    }

    @Override
    public Command command() {
        return Command.AUTH_CHALLENGE;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AuthChallenge that && Arrays.equals(challenge, that.challenge);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(challenge);
    }

    @Override
    public String toString() {
        return "AuthChallenge[" + challenge.length + " bytes]";
    }
}

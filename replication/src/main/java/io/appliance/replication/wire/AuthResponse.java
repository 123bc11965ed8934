package io.appliance.replication.wire;

import java.util.Arrays;

/** CRAM-HMAC: the HMAC of the peer's challenge under the shared secret (1..64 bytes). */
public record AuthResponse(byte[] response) implements Packet {
    public AuthResponse {
        response = FieldChecks.bytes(response, 1, WireFormat.MAX_DIGEST_BYTES, "response");
    }

    /** A copy of the response bytes. */
    @Override
    public byte[] response() {
        return response.clone();
    }

    @Override
    public Command command() {
        return Command.AUTH_RESPONSE;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AuthResponse that && Arrays.equals(response, that.response);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(response);
    }

    @Override
    public String toString() {
        return "AuthResponse[" + response.length + " bytes]";
    }
}

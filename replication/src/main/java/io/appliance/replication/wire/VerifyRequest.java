package io.appliance.replication.wire;

import java.util.Arrays;

/** VerifyS sends its digest of one chunk; VerifyT compares with its own. The digest is 1..64 bytes. */
public record VerifyRequest(long id, long offset, int length, byte[] digest) implements Packet {
    public VerifyRequest {
        FieldChecks.offset(offset, "offset");
        FieldChecks.ioLength(length, "length");
        digest = FieldChecks.bytes(digest, 1, WireFormat.MAX_DIGEST_BYTES, "digest");
    }

    /** A copy of the digest. */
    @Override
    public byte[] digest() {
        return digest.clone();
    }

    @Override
    public Command command() {
        return Command.VERIFY_REQUEST;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof VerifyRequest that && id == that.id && offset == that.offset && length == that.length
                && Arrays.equals(digest, that.digest);
    }

    @Override
    public int hashCode() {
        return ((Long.hashCode(id) * 31 + Long.hashCode(offset)) * 31 + length) * 31 + Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return "VerifyRequest[id=" + id + ", offset=" + offset + ", length=" + length + ", digest=" + digest.length + " bytes]";
    }
}

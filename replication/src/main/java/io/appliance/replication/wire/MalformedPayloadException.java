package io.appliance.replication.wire;

/** A field of a payload breaks the format; {@link PacketDecoder} turns it into a {@link MalformedPacket}. */
final class MalformedPayloadException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedPayloadException(String message) {
        super(message, null, false, false);
    }
}

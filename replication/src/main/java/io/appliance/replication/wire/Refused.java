package io.appliance.replication.wire;

import java.util.Objects;

/**
 * Sent just before closing a connection whose handshake failed.
 *
 * @param reason  why
 * @param message one line for the peer's log and status; cut to 255 UTF-8 bytes if longer
 */
public record Refused(RefusalReason reason, String message) implements Packet {
    public Refused {
        Objects.requireNonNull(reason, "reason");
        message = FieldChecks.truncated(message, "message");
    }

    @Override
    public Command command() {
        return Command.REFUSED;
    }
}

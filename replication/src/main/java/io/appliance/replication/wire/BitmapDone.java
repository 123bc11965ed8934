package io.appliance.replication.wire;

/** The sender's bitmap has been sent completely. */
public record BitmapDone() implements Packet {
    @Override
    public Command command() {
        return Command.BITMAP_DONE;
    }
}

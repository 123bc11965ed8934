package io.appliance.replication.wire;

/**
 * The sender's sizes.
 *
 * @param dataBytes       usable size of its backing data area
 * @param lastAgreedBytes the size both nodes last agreed on (DRBD's la-size)
 * @param blockSize       its logical block size: a power of two from 512 to 65536
 */
public record Sizes(long dataBytes, long lastAgreedBytes, int blockSize) implements Packet {
    public Sizes {
        FieldChecks.nonNegative(dataBytes, "dataBytes");
        FieldChecks.nonNegative(lastAgreedBytes, "lastAgreedBytes");
        if (!validBlockSize(blockSize)) {
            throw new IllegalArgumentException("blockSize " + blockSize + " is not a power of two in 512..65536");
        }
    }

    static boolean validBlockSize(int blockSize) {
        return blockSize >= 512 && blockSize <= 65536 && Integer.bitCount(blockSize) == 1;
    }

    @Override
    public Command command() {
        return Command.SIZES;
    }
}

package io.appliance.replication.wire;

/**
 * First packet of a connection, from the connecting side; the accepting side answers with its
 * own Hello or a {@link Refused}.
 *
 * @param versionMin lowest protocol version the sender speaks (at least 1)
 * @param versionMax highest protocol version the sender speaks
 * @param resource   the resource name this connection is for
 * @param nodeName   the sender's node name
 * @param epoch      the highest promotion epoch the sender has seen
 */
public record Hello(int versionMin, int versionMax, String resource, String nodeName, long epoch) implements Packet {
    public Hello {
        if (versionMin < 1 || versionMax < versionMin) {
            throw new IllegalArgumentException("version range " + versionMin + ".." + versionMax + " is empty or below 1");
        }
        FieldChecks.encodable(resource, "resource");
        FieldChecks.encodable(nodeName, "nodeName");
        FieldChecks.nonNegative(epoch, "epoch");
    }

    @Override
    public Command command() {
        return Command.HELLO;
    }
}

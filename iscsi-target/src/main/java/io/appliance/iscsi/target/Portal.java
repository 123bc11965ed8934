package io.appliance.iscsi.target;

import java.util.Objects;

/** A network portal: an address and TCP port the target listens on (RFC 7143 §4.4.1). */
public record Portal(String address, int port) {

    public Portal {
        Objects.requireNonNull(address, "address");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** The SendTargets form, RFC 7143 §13.10: {@code address:port}; IPv6 in brackets. */
    public String sendTargetsAddress() {
        return (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
    }
}

package io.appliance.node.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

/**
 * One address the iSCSI service listens on (RFC 7143 §4.4.1 network portal).
 *
 * <ul>
 *   <li>{@code address}: an IP address of this host, or {@code 0.0.0.0} / {@code ::} for all.
 *   <li>{@code port}: TCP port, default 3260 (the IANA iSCSI port); 0 picks a free port, for
 *       tests.
 * </ul>
 */
public class PortalConfiguration {

    public static final int ISCSI_PORT = 3260;

    @NotBlank
    @JsonProperty
    private String address = "0.0.0.0";

    @Min(0)
    @Max(65535)
    @JsonProperty
    private int port = ISCSI_PORT;

    public PortalConfiguration() {
    }

    public PortalConfiguration(String address, int port) {
        this.address = address;
        this.port = port;
    }

    public String getAddress() {
        return address;
    }

    public int getPort() {
        return port;
    }

    @Override
    public String toString() {
        return (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
    }
}

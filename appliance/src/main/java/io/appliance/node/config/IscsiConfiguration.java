package io.appliance.node.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.DataSizeUnit;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MaxDataSize;
import io.dropwizard.validation.MaxDuration;
import io.dropwizard.validation.MinDataSize;
import io.dropwizard.validation.MinDuration;
import io.dropwizard.validation.ValidationMethod;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The iSCSI service of the node. Lengths are Dropwizard {@link DataSize}s ({@code 256KiB}), times
 * Dropwizard {@link Duration}s ({@code 5s}).
 *
 * <ul>
 *   <li>{@code portals}: where to listen; default {@code 0.0.0.0:3260}.
 *   <li>{@code portalGroupTag}: the target portal group tag of those portals, 1..65535
 *       (RFC 7143 §4.4.1); default 1.
 *   <li>{@code commandWindow}: commands an initiator may have queued, MaxCmdSN - ExpCmdSN + 1
 *       (RFC 7143 §4.2.2.1), 1..65535; default 256.
 *   <li>{@code nopInInterval}: idle time after which the target pings the initiator with a
 *       NOP-In, 0s..1h (0s: never, which also stops detecting dead initiators); default 5s. {@code nopInTimeout}: how long it waits for the answer before
 *       dropping the connection, 1s..1h; default 15s.
 *   <li>{@code loginTimeout}: time a connection may take to finish its login, 1s..10min; default 15s.
 *   <li>{@code maxRecvDataSegmentLength} (RFC 7143 §13.12, default 256KiB),
 *       {@code maxBurstLength} (§13.13, default 1MiB), {@code firstBurstLength} (§13.14, default
 *       256KiB, at most maxBurstLength): each 512 bytes..16777215 bytes.
 *   <li>{@code maxOutstandingR2T}: R2Ts per task (§13.17), 1..65535; default 16.
 *   <li>{@code ioThreads}: threads doing block I/O on LUN files, 1..1024; default 16.
 *   <li>{@code discoveryChap}: when present, discovery sessions must authenticate with this
 *       CHAP name and secret.
 * </ul>
 */
public class IscsiConfiguration {

    /** RFC 7143 §13.12-§13.14: lengths are 512..2^24-1 bytes. */
    static final long MAX_PDU_LENGTH = 16_777_215L;

    @NotEmpty
    @Valid
    @JsonProperty
    private List<PortalConfiguration> portals = List.of(new PortalConfiguration());

    @Min(1)
    @Max(65535)
    @JsonProperty
    private int portalGroupTag = 1;

    @Min(1)
    @Max(65535)
    @JsonProperty
    private int commandWindow = 256;

    @NotNull
    @MinDuration(value = 0, unit = TimeUnit.SECONDS)
    @MaxDuration(value = 1, unit = TimeUnit.HOURS)
    @JsonProperty
    private Duration nopInInterval = Duration.seconds(5);

    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.SECONDS)
    @MaxDuration(value = 1, unit = TimeUnit.HOURS)
    @JsonProperty
    private Duration nopInTimeout = Duration.seconds(15);

    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.SECONDS)
    @MaxDuration(value = 10, unit = TimeUnit.MINUTES)
    @JsonProperty
    private Duration loginTimeout = Duration.seconds(15);

    @NotNull
    @MinDataSize(value = 512, unit = DataSizeUnit.BYTES)
    @MaxDataSize(value = MAX_PDU_LENGTH, unit = DataSizeUnit.BYTES)
    @JsonProperty
    private DataSize maxRecvDataSegmentLength = DataSize.kibibytes(256);

    @NotNull
    @MinDataSize(value = 512, unit = DataSizeUnit.BYTES)
    @MaxDataSize(value = MAX_PDU_LENGTH, unit = DataSizeUnit.BYTES)
    @JsonProperty
    private DataSize maxBurstLength = DataSize.mebibytes(1);

    @NotNull
    @MinDataSize(value = 512, unit = DataSizeUnit.BYTES)
    @MaxDataSize(value = MAX_PDU_LENGTH, unit = DataSizeUnit.BYTES)
    @JsonProperty
    private DataSize firstBurstLength = DataSize.kibibytes(256);

    @Min(1)
    @Max(65535)
    @JsonProperty
    private int maxOutstandingR2T = 16;

    @Min(1)
    @Max(1024)
    @JsonProperty
    private int ioThreads = 16;

    @Valid
    @JsonProperty
    private ChapPairConfiguration discoveryChap;

    // RFC 7143 §13.14: FirstBurstLength MUST NOT exceed MaxBurstLength
    @ValidationMethod(message = "iscsi.firstBurstLength must not exceed iscsi.maxBurstLength (RFC 7143 §13.14)")
    public boolean isFirstBurstWithinMaxBurst() {
        return firstBurstLength == null || maxBurstLength == null
                || firstBurstLength.toBytes() <= maxBurstLength.toBytes();
    }

    @ValidationMethod(message = "iscsi.portals must not list the same address and port twice")
    public boolean isEveryPortalDistinct() {
        if (portals == null) {
            return true;
        }
        // port 0 (any free port) may repeat: each gets a port of its own
        Set<String> seen = new HashSet<>();
        return portals.stream()
                .filter(portal -> portal != null && portal.getPort() != 0)
                .allMatch(portal -> seen.add(portal.toString()));
    }

    public List<PortalConfiguration> getPortals() {
        return portals;
    }

    public int getPortalGroupTag() {
        return portalGroupTag;
    }

    public int getCommandWindow() {
        return commandWindow;
    }

    public Duration getNopInInterval() {
        return nopInInterval;
    }

    public Duration getNopInTimeout() {
        return nopInTimeout;
    }

    public Duration getLoginTimeout() {
        return loginTimeout;
    }

    public DataSize getMaxRecvDataSegmentLength() {
        return maxRecvDataSegmentLength;
    }

    public DataSize getMaxBurstLength() {
        return maxBurstLength;
    }

    public DataSize getFirstBurstLength() {
        return firstBurstLength;
    }

    public int getMaxOutstandingR2T() {
        return maxOutstandingR2T;
    }

    public int getIoThreads() {
        return ioThreads;
    }

    /** Null when discovery sessions need no authentication. */
    public ChapPairConfiguration getDiscoveryChap() {
        return discoveryChap;
    }
}

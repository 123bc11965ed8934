package io.appliance.iscsi.scsi;

import java.util.Locale;
import java.util.Objects;

/**
 * An I_T nexus as SPC-4 and RFC 7143 §4.4.2 define it for iSCSI: the initiator port (iSCSI name
 * plus ISID) and the target port (target name plus target portal group tag). The same values
 * after a re-login (or on another node after a failover) name the same nexus, which is what
 * unit attentions and reservations are keyed by.
 */
public record ItNexus(String initiatorName, long isid, String targetName, int targetPortalGroupTag) {

    public ItNexus {
        Objects.requireNonNull(initiatorName, "initiatorName");
        Objects.requireNonNull(targetName, "targetName");
        if ((isid & ~0xFFFF_FFFF_FFFFL) != 0) {
            throw new IllegalArgumentException("ISID is 48 bits: " + Long.toHexString(isid));
        }
    }

    /** The SCSI initiator port name, RFC 7143 §4.4.2: {@code iqn...,i,0x<ISID in 12 hex digits>}. */
    public String initiatorPortName() {
        return initiatorName.toLowerCase(Locale.ROOT) + ",i,0x" + String.format("%012x", isid);
    }

    /** The SCSI target port name, RFC 7143 §4.4.2: {@code iqn...,t,0x<TPGT in 4 hex digits>}. */
    public String targetPortName() {
        return targetName.toLowerCase(Locale.ROOT) + ",t,0x" + String.format("%04x", targetPortalGroupTag);
    }
}

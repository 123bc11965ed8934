package io.appliance.iscsi.target;

import io.appliance.iscsi.scsi.ScsiTargetDevice;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable snapshot of one iSCSI target's definition. Changes (a new ACL, a new portal) are
 * made by putting a new snapshot into the {@link TargetRegistry}; sessions already logged in keep
 * the snapshot they were admitted with, new logins see the new one. The {@link ScsiTargetDevice}
 * (the logical units) is shared across snapshots.
 *
 * @param name           the target's iSCSI name (iqn. or eui. or naa. form)
 * @param alias          TargetAlias, may be empty
 * @param portalGroupTag the target portal group tag of its portals (RFC 7143 §4.4.1)
 * @param portals        where it listens; SendTargets reports these
 * @param openAccess     demo mode: any initiator may log in without authentication and sees
 *                       every LUN; ACLs are ignored
 * @param acls           admitted initiators when not in open access
 * @param device         its logical units
 */
public record IscsiTarget(
        String name,
        String alias,
        int portalGroupTag,
        List<Portal> portals,
        boolean openAccess,
        List<AccessControlEntry> acls,
        ScsiTargetDevice device) {

    public IscsiTarget {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(device, "device");
        portals = List.copyOf(portals);
        acls = List.copyOf(acls);
        if (portalGroupTag < 1 || portalGroupTag > 0xFFFF) {
            throw new IllegalArgumentException("target portal group tag must be 1..65535: " + portalGroupTag);
        }
    }

    /** The access entry that admits {@code initiatorName}, or empty when it may not log in. */
    public Optional<AccessControlEntry> admit(String initiatorName) {
        if (openAccess) {
            return Optional.of(new AccessControlEntry(initiatorName, Optional.empty(), Optional.empty(), Map.of()));
        }
        return acls.stream().filter(acl -> acl.matches(initiatorName)).findFirst();
    }
}

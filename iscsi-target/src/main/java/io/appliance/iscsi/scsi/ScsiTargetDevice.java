package io.appliance.iscsi.scsi;

import java.util.Map;

/**
 * The SCSI target device behind one iSCSI target: its logical units, shared by every nexus.
 *
 * <p>Contract: {@link #openNexus} is cheap and may be called for every login; calling it again
 * for the same {@link ItNexus} (a re-login, session reinstatement) yields a port that sees the
 * same per-nexus state (pending unit attentions, later reservations). Thread safe.
 */
public interface ScsiTargetDevice {

    /**
     * @param lunMapping initiator-visible LUN → target LUN; empty maps every LUN to itself
     */
    ScsiNexusPort openNexus(ItNexus nexus, Map<Integer, Integer> lunMapping);
}

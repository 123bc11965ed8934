package io.appliance.iscsi.scsi;

import java.io.IOException;
import java.util.Optional;

/**
 * Where one logical unit's persistent reservation state (SPC-4 §5.13: registrations, the
 * reservation, the generation, APTPL) lives between node restarts and failovers. The state is an
 * opaque, small byte string written and read by {@link LogicalUnit}; a store never interprets it.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #load} is called once, when the logical unit is opened, before any command runs. It
 *       returns exactly the bytes of the last {@link #save} that returned normally, or empty when
 *       nothing was ever saved.</li>
 *   <li>{@link #save} returns only once the bytes are durable (a crash right after it returns
 *       still loads them), and replaces the previous state atomically: a crash during it loads
 *       either the old or the new bytes, never a mix. The device server calls it before the
 *       PERSISTENT RESERVE OUT command that changed the state completes; when it throws, the
 *       command fails and the in-memory state is left as it was.</li>
 *   <li>{@link #load} and {@link #save} are serialised by the logical unit; {@link #replacedElsewhere}
 *       is called from any thread.</li>
 * </ul>
 */
public interface ReservationStore {

    Optional<byte[]> load() throws IOException;

    /**
     * Replaces the state durably; see the class contract. A store that cannot take changes on this
     * node now (the LUN's replicated disk is Secondary here) throws
     * {@link io.appliance.iscsi.block.BlockDeviceNotReadyException}: the command then ends in NOT
     * READY, LOGICAL UNIT NOT ACCESSIBLE, TARGET PORT IN STANDBY STATE.
     */
    void save(byte[] state) throws IOException;

    /**
     * True when the stored state was replaced by someone other than this logical unit (the peer node
     * of a replicated disk) since the last {@link #load}: the logical unit loads it again before it
     * uses its state next. {@link #load} clears it before it reads. Cheap: called before every
     * command. Stores only this unit writes answer false.
     */
    default boolean replacedElsewhere() {
        return false;
    }
}

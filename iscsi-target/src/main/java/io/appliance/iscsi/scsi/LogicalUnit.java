package io.appliance.iscsi.scsi;

import io.appliance.iscsi.block.BlockDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * One logical unit: an SBC-3 direct-access block device backed by a {@link BlockDevice}, with the
 * state SPC-4 keeps per logical unit — its mode parameters, its SPC-2 reservation, the commands in
 * flight (for resets), the {@link BlockRangeLock} that keeps read-modify-write commands atomic.
 * Thread safe; reads take no lock, writes take none while no ORWRITE is present (see
 * {@link BlockRangeLock}).
 *
 * <p>A unit may be presented by several {@link ScsiTarget}s (one per node or portal group); unit
 * attentions it establishes reach every nexus of each of them.
 */
public final class LogicalUnit implements AutoCloseable {

    /**
     * Largest transfer one command may ask for (Block Limits VPD MAXIMUM TRANSFER LENGTH, SBC-3
     * §6.5.3); bounds the buffer a READ allocates.
     */
    static final int MAX_TRANSFER_BYTES = 8 * 1024 * 1024;
    /** The physical block the backing store works in: file systems and SSDs use 4 KiB. */
    static final int PHYSICAL_BLOCK_BYTES = 4096;
    /**
     * Largest WRITE ATOMIC (16) (Block Limits VPD MAXIMUM ATOMIC TRANSFER LENGTH, SBC-4 §6.6.4), and so
     * the largest {@link AtomicWriteLog} record: 256 blocks of 4 KiB, what libiscsi's conformance
     * tests write at most.
     */
    static final int MAX_ATOMIC_TRANSFER_BYTES = 1024 * 1024;

    private final LunIdentity identity;
    private final BlockDevice device;
    private final boolean readOnly;
    private final ModeParameters modeParameters = new ModeParameters();
    private final AtomicReference<ItNexus> reservationHolder = new AtomicReference<>();
    private final InFlightTracker inFlight = new InFlightTracker();
    private final BlockRangeLock rangeLock = new BlockRangeLock();
    private final Set<ScsiTarget> presenters = new CopyOnWriteArraySet<>();
    private final PersistentReservations persistentReservations;
    /** Null when WRITE ATOMIC (16) is not supported. */
    private final AtomicWriter atomicWriter;

    /**
     * @param identity what INQUIRY reports
     * @param device   the backing store; closed by {@link #close()}
     * @param readOnly writes end in DATA PROTECT / WRITE PROTECTED and MODE SENSE reports WP and SWP
     */
    public LogicalUnit(LunIdentity identity, BlockDevice device, boolean readOnly) {
        this(identity, device, readOnly, new InMemoryReservationStore());
    }

    /**
     * @param identity     what INQUIRY reports
     * @param device       the backing store; closed by {@link #close()}
     * @param readOnly     writes end in DATA PROTECT / WRITE PROTECTED
     * @param reservations where the persistent reservations (SPC-4 §5.13) live; loaded here, saved
     *                     before each PERSISTENT RESERVE OUT that changes them completes
     * @throws java.io.UncheckedIOException when the stored reservations cannot be read
     */
    public LogicalUnit(LunIdentity identity, BlockDevice device, boolean readOnly, ReservationStore reservations) {
        this(identity, device, readOnly, reservations, null);
    }

    /**
     * @param identity     what INQUIRY reports
     * @param device       the backing store; closed by {@link #close()}
     * @param readOnly     writes end in DATA PROTECT / WRITE PROTECTED
     * @param reservations where the persistent reservations (SPC-4 §5.13) live
     * @param atomicWrites the redo log that makes WRITE ATOMIC (16) atomic (SBC-4 §4.29), or null when
     *                     the unit does not support it; a record pending in it is written in place here,
     *                     before the unit can run any command
     * @throws java.io.UncheckedIOException when the stored reservations cannot be read, or the atomic
     *                                      write log cannot be read, replayed or cleared
     */
    public LogicalUnit(LunIdentity identity, BlockDevice device, boolean readOnly, ReservationStore reservations,
            AtomicWriteLog atomicWrites) {
        this.persistentReservations = PersistentReservations.open(reservations, (condition, nexuses) -> {
            for (ScsiTarget target : presenters) {
                target.establishWhere(this, condition, nexuses);
            }
        });
        this.identity = Objects.requireNonNull(identity, "identity");
        this.device = Objects.requireNonNull(device, "device");
        this.readOnly = readOnly;
        int blockSize = device.blockSize();
        if (blockSize < 512 || blockSize > PHYSICAL_BLOCK_BYTES || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("block size must be a power of two from 512 to 4096: " + blockSize);
        }
        this.atomicWriter = atomicWrites == null ? null : AtomicWriter.open(atomicWrites, device);
    }

    public LunIdentity identity() {
        return identity;
    }

    public BlockDevice device() {
        return device;
    }

    public boolean readOnly() {
        return readOnly;
    }

    /** Number of logical blocks (READ CAPACITY reports this minus one). */
    public long capacityBlocks() {
        return device.size() / device.blockSize();
    }

    int blockSize() {
        return device.blockSize();
    }

    /** Maximum TRANSFER LENGTH in logical blocks of one READ, WRITE, VERIFY with data. */
    int maxTransferBlocks() {
        return MAX_TRANSFER_BYTES / device.blockSize();
    }

    /** The atomic writes of this unit, or null when it has no {@link AtomicWriteLog}. */
    AtomicWriter atomicWriter() {
        return atomicWriter;
    }

    /**
     * MAXIMUM ATOMIC TRANSFER LENGTH in logical blocks (SBC-4 §6.6.4): {@link #MAX_ATOMIC_TRANSFER_BYTES},
     * within the MAXIMUM TRANSFER LENGTH; 0 without an atomic write log.
     */
    int maxAtomicTransferBlocks() {
        return atomicWriter == null ? 0 : Math.min(maxTransferBlocks(), MAX_ATOMIC_TRANSFER_BYTES / device.blockSize());
    }

    /**
     * ATOMIC ALIGNMENT and ATOMIC TRANSFER LENGTH GRANULARITY in logical blocks (SBC-4 §6.6.4): 1, since
     * the redo log makes any range of whole blocks atomic; 0 (not reported) without an atomic write log.
     */
    int atomicAlignmentBlocks() {
        return atomicWriter == null ? 0 : 1;
    }

    /**
     * LOGICAL BLOCKS PER PHYSICAL BLOCK EXPONENT (SBC-3 §5.16.2) in READ CAPACITY (16): 0. The backing
     * store (a file, an LV, a replicated disk) has no physical block that a logical block could tear;
     * what it prefers, whole 4 KiB pieces, is reported where SBC-3 puts granularity hints, in the Block
     * Limits VPD page ({@link #backingGranularityBlocks}). Linux's fileio backend of LIO reports 0 too,
     * and the GET LBA STATUS checks of libiscsi's conformance suite assume it.
     */
    int logicalBlocksPerPhysicalBlockExponent() {
        return 0;
    }

    /**
     * The logical blocks in one 4 KiB piece of the backing store: OPTIMAL TRANSFER LENGTH GRANULARITY and
     * OPTIMAL UNMAP GRANULARITY (SBC-3 §6.5.3): 8 for 512-byte blocks.
     */
    int backingGranularityBlocks() {
        return PHYSICAL_BLOCK_BYTES / device.blockSize();
    }

    /**
     * Call after the device grew or shrank: establishes CAPACITY DATA HAS CHANGED (2Ah/09h) for
     * every nexus of every target presenting this unit (SBC-3 §4.6).
     */
    public void capacityChanged() {
        for (ScsiTarget target : presenters) {
            target.establish(this, UnitAttention.CAPACITY_DATA_CHANGED, null);
        }
    }

    /** Closes the backing device. The unit should have been removed from its targets first. */
    @Override
    public void close() {
        device.close();
    }

    @Override
    public String toString() {
        return "LogicalUnit[" + identity.unitSerialNumber() + ", " + device + (readOnly ? ", read-only]" : "]");
    }

    ModeParameters modeParameters() {
        return modeParameters;
    }

    InFlightTracker inFlight() {
        return inFlight;
    }

    /** Orders writes against read-modify-write commands (ORWRITE) on overlapping blocks. */
    BlockRangeLock rangeLock() {
        return rangeLock;
    }

    void presentedBy(ScsiTarget target) {
        presenters.add(target);
    }

    void withdrawnFrom(ScsiTarget target) {
        presenters.remove(target);
    }

    /** MODE SELECT through {@code changer} changed the parameters: the others learn it (SPC-4 §5.14, 2Ah/01h). */
    void modeParametersChanged(ItNexus changer) {
        for (ScsiTarget target : presenters) {
            target.establish(this, UnitAttention.MODE_PARAMETERS_CHANGED, changer);
        }
    }

    /**
     * PREEMPT AND ABORT (SPC-4 §5.13.11.2.6 c): aborts the tasks on this unit of every nexus
     * {@code which} accepts, through every target presenting the unit (see
     * {@link ScsiTarget#abortTaskSets}); completes once they are gone.
     */
    CompletableFuture<Void> abortTaskSets(Predicate<ItNexus> which) {
        List<CompletableFuture<Void>> aborts = new ArrayList<>();
        for (ScsiTarget target : presenters) {
            aborts.add(target.abortTaskSets(this, which));
        }
        return CompletableFuture.allOf(aborts.toArray(CompletableFuture[]::new));
    }

    /** Registrations and reservation of SPC-4 persistent reservations; they survive resets and nexus loss. */
    PersistentReservations persistentReservations() {
        return persistentReservations;
    }

    /** True when an SPC-2 reservation is held through a nexus other than {@code nexus}. */
    boolean reservedByOther(ItNexus nexus) {
        ItNexus holder = reservationHolder.get();
        return holder != null && !holder.equals(nexus);
    }

    /** RESERVE (SPC-2 §7.21): succeeds when free or already held by {@code nexus}. */
    boolean reserve(ItNexus nexus) {
        return reservationHolder.compareAndSet(null, nexus) || nexus.equals(reservationHolder.get());
    }

    /** RELEASE (SPC-2 §7.17): releases only the holder's reservation; from others it does nothing. */
    void release(ItNexus nexus) {
        reservationHolder.compareAndSet(nexus, null);
    }

    /**
     * LOGICAL UNIT RESET (SAM-5 §6.3.3): waits for the commands already running on this unit (of
     * every nexus), clears the SPC-2 reservation (SPC-2 §5.5.1) and establishes POWER ON, RESET, OR
     * BUS DEVICE RESET OCCURRED for every I_T nexus — the one that asked for the reset included, as
     * SAM-5 §6.3.3 item d) says and libiscsi's MultipathIO.Reset test checks on every path.
     */
    CompletableFuture<Void> reset() {
        return inFlight.drain().thenRun(() -> {
            reservationHolder.set(null);
            for (ScsiTarget target : presenters) {
                target.establish(this, UnitAttention.RESET_OCCURRED, null);
            }
        });
    }
}

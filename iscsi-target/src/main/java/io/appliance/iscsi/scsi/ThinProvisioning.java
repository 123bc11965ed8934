package io.appliance.iscsi.scsi;

/**
 * The logical block provisioning limits and state of a unit (SBC-3 §4.7), in one place so that
 * READ CAPACITY(16), the Block Limits and Logical Block Provisioning VPD pages and the UNMAP and
 * WRITE SAME handlers always agree.
 */
final class ThinProvisioning {

    /** MAXIMUM UNMAP BLOCK DESCRIPTOR COUNT (SBC-3 §6.5.3): bounds the parameter list UNMAP parses. */
    static final int MAX_UNMAP_DESCRIPTORS = 256;
    /**
     * MAXIMUM UNMAP LBA COUNT: blocks one UNMAP may deallocate (512 MiB of 512-byte blocks); within
     * the 1 Mi blocks libiscsi's Block Limits test accepts.
     */
    static final long MAX_UNMAP_BLOCKS = 1 << 20;
    /**
     * MAXIMUM WRITE SAME LENGTH in blocks: a WRITE SAME without UNMAP writes every block, in
     * {@link #WRITE_SAME_CHUNK_BYTES} pieces, so its duration grows with this bound.
     */
    static final long MAX_WRITE_SAME_BLOCKS = 0xFFFF;
    /** Size of the replicated buffer one WRITE SAME writes at a time. */
    static final int WRITE_SAME_CHUNK_BYTES = 1024 * 1024;

    private ThinProvisioning() {
    }

    /**
     * LBPME (SBC-3 §5.16.2): the unit is thin provisioned when its device discards and a discarded
     * block reads back as zeros (LBPRZ), which is what UNMAP and WRITE SAME with UNMAP rely on. A
     * read-only unit is reported fully provisioned: it can unmap nothing.
     */
    static boolean enabled(LogicalUnit unit) {
        return !unit.readOnly() && unit.device().discardZeroes();
    }

    /** OPTIMAL UNMAP GRANULARITY in logical blocks: one 4 KiB piece of the backing store (what a hole punch frees). */
    static int unmapGranularityBlocks(LogicalUnit unit) {
        return unit.backingGranularityBlocks();
    }
}

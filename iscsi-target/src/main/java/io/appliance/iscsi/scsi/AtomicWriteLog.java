package io.appliance.iscsi.scsi;

import java.io.IOException;
import java.util.Optional;

/**
 * Where WRITE ATOMIC (16) keeps its redo record between "durable" and "written in place" (one slot
 * per logical unit). Calls are serialised by the unit; blocking I/O is allowed (the unit calls it
 * off the event loops).
 *
 * <p>Protocol (SBC-4 §4.29, atomic writes survive a power loss): the unit commits the record, then
 * writes the data in place durably, then retires the record, and only then completes the command.
 * A record found pending when the unit starts is written in place again before any command runs.
 */
public interface AtomicWriteLog {

    /**
     * Stores the record durably, replacing a retired one; a crash after this returns finds it in
     * {@link #pending}. A crash during it leaves no valid record (or the old retired state).
     *
     * @throws IllegalArgumentException when the data is longer than the log can hold
     */
    void commit(long offset, byte[] data) throws IOException;

    /** Marks the record retired, durably: a crash after this returns finds no pending record. */
    void retire() throws IOException;

    /** The committed, not retired record, if any; a torn or corrupt record counts as none. */
    Optional<Record> pending() throws IOException;

    /**
     * One atomic write: {@code data} belongs at byte {@code offset} of the unit's block device.
     *
     * @param offset byte offset on the block device
     * @param data   the whole blocks to write there
     */
    record Record(long offset, byte[] data) { }
}

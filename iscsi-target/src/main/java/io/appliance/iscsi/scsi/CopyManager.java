package io.appliance.iscsi.scsi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The copy manager of this device server (SPC-4 §5.17, EXTENDED COPY(LID1)): the limits it
 * enforces, which RECEIVE COPY RESULTS / OPERATING PARAMETERS reports and the Third-party Copy
 * VPD page advertises, the count of copies running, and the held copy status of finished copies
 * whose LIST ID USAGE was 00b.
 *
 * <p>Held status is kept per {@link NexusPort} (one login of an I_T nexus), at most
 * {@link #HELD_LISTS_PER_PORT} list identifiers each, the oldest forgotten first; it goes away
 * with the port. Thread safe.
 */
final class CopyManager {

    /** MAXIMUM CSCD DESCRIPTOR COUNT. */
    static final int MAX_TARGET_DESCRIPTORS = 8;
    /** MAXIMUM SEGMENT DESCRIPTOR COUNT. */
    static final int MAX_SEGMENT_DESCRIPTORS = 64;
    /** MAXIMUM DESCRIPTOR LIST LENGTH in bytes (CSCD plus segment descriptor lists). */
    static final int MAX_DESCRIPTOR_LIST_LENGTH = 4096;
    /** MAXIMUM CONCURRENT COPIES over the whole device server. */
    static final int MAX_CONCURRENT_COPIES = 16;
    /** Finished copies whose status one port keeps for RECEIVE COPY RESULTS. */
    static final int HELD_LISTS_PER_PORT = 16;
    /** The largest NUMBER OF BLOCKS a block→block segment descriptor can hold (16-bit field). */
    static final int MAX_SEGMENT_BLOCKS = 0xFFFF;

    /** Copy manager status in COPY STATUS (SPC-3 §6.18.2 Table 111). */
    static final int STATUS_IN_PROGRESS = 0x00;
    static final int STATUS_COMPLETED_GOOD = 0x01;
    static final int STATUS_COMPLETED_WITH_ERROR = 0x02;

    private final AtomicInteger running = new AtomicInteger();
    private final Map<NexusPort, Map<Integer, CopyStatus>> held = Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * What COPY STATUS reports for one list identifier.
     *
     * @param status            one of the STATUS_ constants
     * @param segmentsProcessed segment descriptors completed
     * @param bytesCopied       transfer count in bytes
     */
    record CopyStatus(int status, int segmentsProcessed, long bytesCopied) {
    }

    /** Admits one more copy, or answers false when {@link #MAX_CONCURRENT_COPIES} are running. */
    boolean tryStart() {
        while (true) {
            int now = running.get();
            if (now >= MAX_CONCURRENT_COPIES) {
                return false;
            }
            if (running.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    void finished() {
        running.decrementAndGet();
    }

    /**
     * Registers {@code listId} as in progress for {@code port}; false when a copy with that list
     * identifier is still in progress there (SPC-4 §6.4.3: OPERATION IN PROGRESS).
     */
    boolean begin(NexusPort port, int listId) {
        Map<Integer, CopyStatus> lists = lists(port);
        synchronized (lists) {
            CopyStatus previous = lists.get(listId);
            if (previous != null && previous.status() == STATUS_IN_PROGRESS) {
                return false;
            }
            lists.remove(listId);
            lists.put(listId, new CopyStatus(STATUS_IN_PROGRESS, 0, 0));
            return true;
        }
    }

    void record(NexusPort port, int listId, CopyStatus status) {
        Map<Integer, CopyStatus> lists = lists(port);
        synchronized (lists) {
            lists.put(listId, status);
        }
    }

    /** The held status of {@code listId} on {@code port}, or null. */
    CopyStatus status(NexusPort port, int listId) {
        Map<Integer, CopyStatus> lists = held.get(port);
        if (lists == null) {
            return null;
        }
        synchronized (lists) {
            return lists.get(listId);
        }
    }

    private Map<Integer, CopyStatus> lists(NexusPort port) {
        synchronized (held) {
            return held.computeIfAbsent(port, key -> new LinkedHashMap<>(HELD_LISTS_PER_PORT, 0.75f, false) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<Integer, CopyStatus> eldest) {
                    return size() > HELD_LISTS_PER_PORT;
                }
            });
        }
    }

    /**
     * Third-party Copy VPD page (SPC-4 §7.8.17) with one Supported Commands descriptor (type
     * 0001h): EXTENDED COPY(LID1) and RECEIVE COPY RESULTS with COPY STATUS and OPERATING
     * PARAMETERS.
     */
    static byte[] thirdPartyCopyPage() {
        byte[] commands = {
            (byte) 0x83, 1, 0x00,
            (byte) 0x84, 2, 0x00, 0x03,
        };
        int descriptorLength = (1 + commands.length + 3) & ~3;
        byte[] page = new byte[4 + 4 + descriptorLength];
        page[1] = (byte) 0x8F;
        Cdb.putShort(page, 2, page.length - 4);
        Cdb.putShort(page, 4, 0x0001);
        Cdb.putShort(page, 6, descriptorLength);
        page[8] = (byte) commands.length;
        System.arraycopy(commands, 0, page, 9, commands.length);
        return page;
    }
}

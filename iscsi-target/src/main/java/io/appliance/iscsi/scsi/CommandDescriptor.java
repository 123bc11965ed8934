package io.appliance.iscsi.scsi;

import java.util.Objects;
import java.util.Set;

/**
 * One entry of the dispatch table: an operation code (and service action), its CDB usage data as
 * REPORT SUPPORTED OPERATION CODES reports it (SPC-4 §6.35.3), how the dispatcher treats it, and
 * the handler.
 *
 * @param opcode        operation code
 * @param serviceAction service action, or -1 when the opcode has none
 * @param name          the command's name in SPC-4/SBC-3
 * @param usage         CDB usage data: byte 0 the opcode, the service action in its field, then a
 *                      1 for every bit the device server looks at. The dispatcher rejects a CDB
 *                      with any other bit set (INVALID FIELD IN CDB), which is how reserved fields
 *                      and unsupported options (RDPROTECT, SP, ...) are refused.
 * @param attributes    dispatcher treatment
 * @param handler       executes it
 */
record CommandDescriptor(int opcode, int serviceAction, String name, byte[] usage, Set<Attribute> attributes,
        CommandHandler handler) {

    CommandDescriptor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(handler, "handler");
        attributes = Set.copyOf(attributes);
        if ((usage[0] & 0xFF) != opcode || (serviceAction >= 0 && (usage[1] & 0x1F) != serviceAction)) {
            throw new IllegalArgumentException("CDB usage data of " + name + " must start with its opcode/service action");
        }
    }

    int cdbLength() {
        return usage.length;
    }

    boolean hasServiceAction() {
        return serviceAction >= 0;
    }

    boolean has(Attribute attribute) {
        return attributes.contains(attribute);
    }

    /** False when {@code unit} lacks what the command needs: it is then unsupported there (INVALID COMMAND OPERATION CODE). */
    boolean supportedBy(LogicalUnit unit) {
        return !has(Attribute.NEEDS_ATOMIC_WRITE_LOG) || (unit != null && unit.atomicWriter() != null);
    }

    /** The bits of CDB byte {@code index} a command may set; the service action field is checked by the lookup. */
    int allowedBits(int index) {
        if (index == 0) {
            return 0xFF;
        }
        if (index == 1 && hasServiceAction()) {
            return (usage[1] & 0xE0) | 0x1F;
        }
        return usage[index] & 0xFF;
    }

    enum Attribute {
        /**
         * Answered even when the LUN addresses no logical unit (SPC-4 §6.6.2 INQUIRY, §6.33 REPORT
         * LUNS, §6.39 REQUEST SENSE); every other command gets LOGICAL UNIT NOT SUPPORTED.
         */
        ANSWERS_WITHOUT_UNIT,
        /** Neither reports nor clears a unit attention (SAM-5 §5.14, SPC-4 §5.14 list). */
        IGNORES_UNIT_ATTENTION,
        /**
         * Allowed while another nexus holds an SPC-2 reservation (SPC-2 §5.5.1): INQUIRY, REPORT
         * LUNS, REQUEST SENSE and RELEASE; everything else gets RESERVATION CONFLICT.
         */
        ALLOWED_UNDER_OTHERS_RESERVATION,
        /**
         * Supported only by units with an {@link AtomicWriteLog} (WRITE ATOMIC (16)); elsewhere it is
         * an unsupported operation code and REPORT SUPPORTED OPERATION CODES does not list it.
         */
        NEEDS_ATOMIC_WRITE_LOG
    }
}

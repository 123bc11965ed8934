package io.appliance.iscsi.scsi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * PERSISTENT RESERVE IN — SPC-4 §6.13: READ KEYS, READ RESERVATION, REPORT CAPABILITIES and READ
 * FULL STATUS, one instance per service action. Unknown service actions never get here: the
 * dispatch table answers them with INVALID FIELD IN CDB.
 */
final class PersistentReserveInHandler implements CommandHandler {

    static final int READ_KEYS = 0x00;
    static final int READ_RESERVATION = 0x01;
    static final int REPORT_CAPABILITIES = 0x02;
    static final int READ_FULL_STATUS = 0x03;

    /** iSCSI TransportID, FORMAT CODE 01b (name and ISID), PROTOCOL IDENTIFIER 5h (SPC-4 §7.6.4.6). */
    private static final int ISCSI_PORT_TRANSPORT_ID = 0x45;

    private final int serviceAction;

    PersistentReserveInHandler(int serviceAction) {
        this.serviceAction = serviceAction;
    }

    @Override
    public CompletableFuture<ScsiResult> execute(CommandContext context) {
        int allocationLength = Cdb.u16(context.cdb(), 7);
        PersistentReservations.State state = context.unit().persistentReservations().state();
        byte[] data = switch (serviceAction) {
            case READ_KEYS -> readKeys(state);
            case READ_RESERVATION -> readReservation(state);
            case REPORT_CAPABILITIES -> reportCapabilities(state);
            case READ_FULL_STATUS -> readFullStatus(state, context.target().relativeTargetPortId());
            default -> throw new IllegalStateException("service action " + serviceAction);
        };
        return DataIn.truncated(data, allocationLength);
    }

    /** SPC-4 §6.13.2: PRGENERATION, ADDITIONAL LENGTH, then one key per registration. */
    private static byte[] readKeys(PersistentReservations.State state) {
        byte[] data = new byte[8 + 8 * state.registrations().size()];
        Cdb.putInt(data, 0, state.generation());
        Cdb.putInt(data, 4, data.length - 8);
        int offset = 8;
        for (PersistentReservations.Registration registration : state.registrations()) {
            Cdb.putLong(data, offset, registration.key());
            offset += 8;
        }
        return data;
    }

    /**
     * SPC-4 §6.13.3: the reservation's key (zero under an All Registrants type, §5.13.10), scope
     * LU_SCOPE and type.
     */
    private static byte[] readReservation(PersistentReservations.State state) {
        if (state.type() == null) {
            byte[] data = new byte[8];
            Cdb.putInt(data, 0, state.generation());
            return data;
        }
        byte[] data = new byte[8 + 16];
        Cdb.putInt(data, 0, state.generation());
        Cdb.putInt(data, 4, 16);
        PersistentReservations.Registration holder = state.holderRegistration();
        Cdb.putLong(data, 8, holder == null ? 0 : holder.key());
        data[21] = (byte) state.type().code();
        return data;
    }

    /**
     * SPC-4 §6.13.4: CRH (RESERVE/RELEASE meet registrations as §5.13.3 says), SIP_C (SPEC_I_PT
     * honoured for iSCSI initiator port TransportIDs), ATP_C (ALL_TG_PT honoured), PTPL_C and PTPL_A,
     * TMV with the six types.
     */
    private static byte[] reportCapabilities(PersistentReservations.State state) {
        byte[] data = new byte[8];
        Cdb.putShort(data, 0, 8);
        data[2] = 0x10 | 0x08 | 0x04 | 0x01;
        data[3] = (byte) (0x80 | (state.persistThroughPowerLoss() ? 0x01 : 0));
        int mask = 0;
        for (ReservationType type : ReservationType.values()) {
            mask |= typeMaskBit(type);
        }
        Cdb.putShort(data, 4, mask);
        return data;
    }

    /** PERSISTENT RESERVATION TYPE MASK bit positions, SPC-4 Table 183. */
    private static int typeMaskBit(ReservationType type) {
        return switch (type) {
            case WRITE_EXCLUSIVE_ALL_REGISTRANTS -> 0x8000;
            case EXCLUSIVE_ACCESS_REGISTRANTS_ONLY -> 0x4000;
            case WRITE_EXCLUSIVE_REGISTRANTS_ONLY -> 0x2000;
            case EXCLUSIVE_ACCESS -> 0x0800;
            case WRITE_EXCLUSIVE -> 0x0200;
            case EXCLUSIVE_ACCESS_ALL_REGISTRANTS -> 0x0001;
        };
    }

    /** SPC-4 §6.13.5: one full status descriptor per registration, with its TransportID. */
    private static byte[] readFullStatus(PersistentReservations.State state, int relativeTargetPortId) {
        ByteArrayOutputStream descriptors = new ByteArrayOutputStream();
        for (PersistentReservations.Registration registration : state.registrations()) {
            byte[] transportId = transportId(registration.nexus());
            byte[] descriptor = new byte[24 + transportId.length];
            Cdb.putLong(descriptor, 0, registration.key());
            boolean holder = state.isHolder(registration);
            descriptor[12] = (byte) ((registration.allTargetPorts() ? 0x02 : 0) | (holder ? 0x01 : 0));
            if (holder) {
                descriptor[13] = (byte) state.type().code();
            }
            Cdb.putShort(descriptor, 18, registration.allTargetPorts() ? 0 : relativeTargetPortId);
            Cdb.putInt(descriptor, 20, transportId.length);
            System.arraycopy(transportId, 0, descriptor, 24, transportId.length);
            descriptors.writeBytes(descriptor);
        }
        byte[] body = descriptors.toByteArray();
        byte[] data = new byte[8 + body.length];
        Cdb.putInt(data, 0, state.generation());
        Cdb.putInt(data, 4, body.length);
        System.arraycopy(body, 0, data, 8, body.length);
        return data;
    }

    /**
     * iSCSI initiator port TransportID (SPC-4 §7.6.4.6): the port name {@code name,i,0xISID},
     * null-terminated and padded to a multiple of four bytes.
     */
    private static byte[] transportId(ItNexus nexus) {
        byte[] name = nexus.initiatorPortName().getBytes(StandardCharsets.UTF_8);
        int nameField = (name.length + 1 + 3) & ~3;
        byte[] id = new byte[4 + nameField];
        id[0] = ISCSI_PORT_TRANSPORT_ID;
        Cdb.putShort(id, 2, nameField);
        System.arraycopy(name, 0, id, 4, name.length);
        return id;
    }
}

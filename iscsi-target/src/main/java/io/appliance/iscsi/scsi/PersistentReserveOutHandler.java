package io.appliance.iscsi.scsi;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * PERSISTENT RESERVE OUT — SPC-4 §6.14: REGISTER, RESERVE, RELEASE, CLEAR, PREEMPT, PREEMPT AND
 * ABORT and REGISTER AND IGNORE EXISTING KEY over the basic 24-byte parameter list (§6.14.3), and
 * REGISTER AND MOVE over its own (§6.14.4); one instance per service action. The state changes in {@link PersistentReservations}; this class
 * only decodes and checks the CDB and the parameter list.
 */
final class PersistentReserveOutHandler implements CommandHandler {

    static final int REGISTER = 0x00;
    static final int RESERVE = 0x01;
    static final int RELEASE = 0x02;
    static final int CLEAR = 0x03;
    static final int PREEMPT = 0x04;
    static final int PREEMPT_AND_ABORT = 0x05;
    static final int REGISTER_AND_IGNORE_EXISTING_KEY = 0x06;
    static final int REGISTER_AND_MOVE = 0x07;

    private static final int PARAMETER_LIST_LENGTH = 24;
    private static final int LU_SCOPE = 0;
    private static final int SPEC_I_PT = 0x08;
    private static final int ALL_TG_PT = 0x04;
    private static final int APTPL = 0x01;
    private static final int UNREG = 0x02;
    /** An iSCSI name is at most 223 bytes (RFC 7143 §4.2.7.1); with ",i,0x", the ISID and padding far below this. */
    private static final int MAX_TRANSPORT_ID_LENGTH = 512;
    private static final int ISCSI_PROTOCOL = 0x5;
    private static final int ISCSI_PORT_FORMAT = 0x40;

    private final int serviceAction;

    PersistentReserveOutHandler(int serviceAction) {
        this.serviceAction = serviceAction;
    }

    /**
     * PR OUT saves the new state durably (fsync) before it completes; that must not run on the
     * transport's event loop, so every PR OUT runs on this one thread (they are rare and the state
     * serialises them anyway).
     */
    private static final Executor STORE_THREAD = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "pr-store");
        thread.setDaemon(true);
        return thread;
    });

    @Override
    public CompletableFuture<ScsiResult> execute(CommandContext context) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return apply(context);
            } catch (SenseException | ReservationConflictException e) {
                throw new CompletionException(e);
            }
        }, STORE_THREAD);
    }

    private ScsiResult apply(CommandContext context) throws SenseException, ReservationConflictException {
        byte[] cdb = context.cdb();
        long listLength = Cdb.u32(cdb, 5);
        context.transferBytes(listLength);
        if (serviceAction == REGISTER_AND_MOVE) {
            return registerAndMove(context, listLength);
        }
        // SPC-4 §6.14.3: without SPEC_I_PT (refused below) the list is exactly 24 bytes
        if (listLength != PARAMETER_LIST_LENGTH) {
            throw SenseException.parameterListLengthError();
        }
        ByteBuf dataOut = context.dataOut();
        if (dataOut == null || dataOut.readableBytes() < PARAMETER_LIST_LENGTH) {
            throw SenseException.parameterListLengthError();
        }
        int start = dataOut.readerIndex();
        long key = dataOut.getLong(start);
        long serviceActionKey = dataOut.getLong(start + 8);
        int flags = dataOut.getUnsignedByte(start + 20);
        if ((flags & SPEC_I_PT) != 0) {
            throw SenseException.invalidFieldInParameterList(20, 3);
        }
        boolean allTargetPorts = (flags & ALL_TG_PT) != 0;
        boolean persistThroughPowerLoss = (flags & APTPL) != 0;

        PersistentReservations reservations = context.unit().persistentReservations();
        ItNexus nexus = context.nexus();
        switch (serviceAction) {
            case REGISTER -> reservations.register(nexus, key, serviceActionKey, false, allTargetPorts,
                    persistThroughPowerLoss);
            case REGISTER_AND_IGNORE_EXISTING_KEY -> reservations.register(nexus, key, serviceActionKey, true,
                    allTargetPorts, persistThroughPowerLoss);
            case RESERVE -> reservations.reserve(nexus, key, type(cdb));
            case RELEASE -> reservations.release(nexus, key, type(cdb));
            case CLEAR -> reservations.clear(nexus, key);
            case PREEMPT, PREEMPT_AND_ABORT -> reservations.preempt(nexus, key, serviceActionKey, type(cdb));
            default -> throw new IllegalStateException("service action " + serviceAction);
        }
        return ScsiResult.goodWrite(listLength);
    }

    /**
     * REGISTER AND MOVE parameter list (SPC-4 §6.14.4): keys, UNREG and APTPL, the RELATIVE TARGET
     * PORT IDENTIFIER (only this target port is known) and one iSCSI TransportID naming an initiator
     * port (FORMAT CODE 01b: name and ISID, §7.6.4.6).
     */
    private ScsiResult registerAndMove(CommandContext context, long listLength)
            throws SenseException, ReservationConflictException {
        if (listLength < PARAMETER_LIST_LENGTH || listLength > PARAMETER_LIST_LENGTH + MAX_TRANSPORT_ID_LENGTH) {
            throw SenseException.parameterListLengthError();
        }
        ByteBuf dataOut = context.dataOut();
        if (dataOut == null || dataOut.readableBytes() < listLength) {
            throw SenseException.parameterListLengthError();
        }
        int start = dataOut.readerIndex();
        long key = dataOut.getLong(start);
        long serviceActionKey = dataOut.getLong(start + 8);
        int flags = dataOut.getUnsignedByte(start + 17);
        if ((flags & ~(UNREG | APTPL)) != 0) {
            throw SenseException.invalidFieldInParameterList(17, 31 - Integer.numberOfLeadingZeros(flags & ~(UNREG | APTPL)));
        }
        int relativeTargetPortId = dataOut.getUnsignedShort(start + 18);
        long transportIdLength = dataOut.getUnsignedInt(start + 20);
        if (PARAMETER_LIST_LENGTH + transportIdLength != listLength) {
            throw SenseException.parameterListLengthError();
        }
        if (relativeTargetPortId != context.target().relativeTargetPortId()) {
            throw SenseException.invalidFieldInParameterList(18, -1);
        }
        byte[] transportId = new byte[(int) transportIdLength];
        dataOut.getBytes(start + PARAMETER_LIST_LENGTH, transportId);
        ItNexus own = context.nexus();
        ItNexus destination = destination(transportId, own.targetName(), own.targetPortalGroupTag());
        context.unit().persistentReservations().registerAndMove(own, key, serviceActionKey, destination,
                (flags & UNREG) != 0, (flags & APTPL) != 0);
        return ScsiResult.goodWrite(listLength);
    }

    /** The I_T nexus an iSCSI initiator port TransportID names on this target port. */
    private static ItNexus destination(byte[] transportId, String targetName, int targetPortalGroupTag)
            throws SenseException {
        int offset = PARAMETER_LIST_LENGTH;
        if (transportId.length < 8 || (transportId[0] & 0x0F) != ISCSI_PROTOCOL) {
            throw SenseException.invalidFieldInParameterList(offset, 3);
        }
        if ((transportId[0] & 0xC0) != ISCSI_PORT_FORMAT) {
            throw SenseException.invalidFieldInParameterList(offset, 7);
        }
        int additionalLength = Cdb.u16(transportId, 2);
        if (additionalLength + 4 > transportId.length) {
            throw SenseException.invalidFieldInParameterList(offset + 2, -1);
        }
        int end = 4;
        while (end < 4 + additionalLength && transportId[end] != 0) {
            end++;
        }
        String portName = new String(transportId, 4, end - 4, StandardCharsets.UTF_8);
        int separator = portName.toLowerCase(Locale.ROOT).lastIndexOf(",i,0x");
        String isidHex = separator < 0 ? "" : portName.substring(separator + 5);
        if (separator <= 0 || isidHex.length() != 12 || !isidHex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw SenseException.invalidFieldInParameterList(offset + 4, -1);
        }
        return new ItNexus(portName.substring(0, separator), Long.parseLong(isidHex, 16), targetName,
                targetPortalGroupTag);
    }

    /** SCOPE must be LU_SCOPE (SPC-4 §6.14.2) and TYPE one of Table 170. */
    private static ReservationType type(byte[] cdb) throws SenseException {
        if ((cdb[2] & 0xF0) >>> 4 != LU_SCOPE) {
            throw SenseException.invalidFieldInCdb(2, 7);
        }
        ReservationType type = ReservationType.byCode(cdb[2] & 0x0F);
        if (type == null) {
            throw SenseException.invalidFieldInCdb(2, 3);
        }
        return type;
    }
}

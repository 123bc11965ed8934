package io.appliance.iscsi.scsi;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * PERSISTENT RESERVE OUT — SPC-4 §6.16: REGISTER, RESERVE, RELEASE, CLEAR, PREEMPT, PREEMPT AND
 * ABORT and REGISTER AND IGNORE EXISTING KEY over the basic parameter list (§6.16.3; REGISTER also
 * with SPEC_I_PT and its TransportIDs), and REGISTER AND MOVE over its own (§6.16.4); one instance
 * per service action. The state changes in {@link PersistentReservations}; this class only decodes
 * and checks the CDB and the parameter list, and for PREEMPT AND ABORT waits for the aborts.
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
    /** SPEC_I_PT: the basic list, then the 4-byte TRANSPORTID PARAMETER DATA LENGTH (SPC-4 Table 215). */
    private static final int SPECIFIED_HEADER_LENGTH = PARAMETER_LIST_LENGTH + 4;
    private static final int TRANSPORT_ID_HEADER_LENGTH = 4;
    /** At most this many initiator ports in one SPEC_I_PT REGISTER. */
    private static final int MAX_SPECIFIED_PORTS = 64;
    /** Longest parameter list accepted, checked before anything is read or allocated. */
    private static final long SPECIFIED_LIST_LIMIT = SPECIFIED_HEADER_LENGTH
            + (long) MAX_SPECIFIED_PORTS * MAX_TRANSPORT_ID_LENGTH;
    /** How long PREEMPT AND ABORT waits for the preempted commands to be gone. */
    static final Duration ABORT_LIMIT = Duration.ofSeconds(30);

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
        }, STORE_THREAD).thenCompose(outcome -> outcome);
    }

    private CompletableFuture<ScsiResult> apply(CommandContext context)
            throws SenseException, ReservationConflictException {
        byte[] cdb = context.cdb();
        long listLength = Cdb.u32(cdb, 5);
        context.transferBytes(listLength);
        if (serviceAction == REGISTER_AND_MOVE) {
            return CompletableFuture.completedFuture(registerAndMove(context, listLength));
        }
        // SPC-4 §6.16.3: 24 bytes, or with SPEC_I_PT (REGISTER only) 28 plus the TransportIDs
        if (listLength < PARAMETER_LIST_LENGTH || listLength > SPECIFIED_LIST_LIMIT) {
            throw SenseException.parameterListLengthError();
        }
        ByteBuf dataOut = context.dataOut();
        if (dataOut == null || dataOut.readableBytes() < listLength) {
            throw SenseException.parameterListLengthError();
        }
        int start = dataOut.readerIndex();
        long key = dataOut.getLong(start);
        long serviceActionKey = dataOut.getLong(start + 8);
        int flags = dataOut.getUnsignedByte(start + 20);
        boolean specifiesPorts = (flags & SPEC_I_PT) != 0;
        if (specifiesPorts && serviceAction != REGISTER) {
            // SPC-4 §6.16.3, Table 216: SPEC_I_PT is invalid for every other service action
            throw SenseException.invalidFieldInParameterList(20, 3);
        }
        if (!specifiesPorts && listLength != PARAMETER_LIST_LENGTH) {
            throw SenseException.parameterListLengthError();
        }
        boolean allTargetPorts = (flags & ALL_TG_PT) != 0;
        boolean persistThroughPowerLoss = (flags & APTPL) != 0;

        PersistentReservations reservations = context.unit().persistentReservations();
        ItNexus nexus = context.nexus();
        switch (serviceAction) {
            case REGISTER -> {
                if (specifiesPorts) {
                    List<PersistentReservations.SpecifiedPort> ports = specifiedPorts(dataOut, start, listLength, nexus);
                    reservations.registerSpecified(nexus, key, serviceActionKey, ports, allTargetPorts,
                            persistThroughPowerLoss);
                } else {
                    reservations.register(nexus, key, serviceActionKey, false, allTargetPorts, persistThroughPowerLoss);
                }
            }
            case REGISTER_AND_IGNORE_EXISTING_KEY -> reservations.register(nexus, key, serviceActionKey, true,
                    allTargetPorts, persistThroughPowerLoss);
            case RESERVE -> reservations.reserve(nexus, key, type(cdb));
            case RELEASE -> reservations.release(nexus, key, type(cdb));
            case CLEAR -> reservations.clear(nexus, key);
            case PREEMPT -> reservations.preempt(nexus, key, serviceActionKey, type(cdb));
            case PREEMPT_AND_ABORT -> {
                List<PersistentReservations.Registration> preempted =
                        reservations.preempt(nexus, key, serviceActionKey, type(cdb));
                return abortPreempted(context, preempted, listLength);
            }
            default -> throw new IllegalStateException("service action " + serviceAction);
        }
        return CompletableFuture.completedFuture(ScsiResult.goodWrite(listLength));
    }

    /**
     * PREEMPT AND ABORT (SPC-4 §5.13.11.2.6 c): the commands of the I_T nexuses whose registrations
     * were preempted are aborted as SAM-5 defines it, and this command completes only after they
     * are gone. The preempting nexus' own commands are left alone, even when it preempted its own
     * key. The wait is bounded by {@link #ABORT_LIMIT}: a task set that does not drain in time ends
     * this command in HARDWARE ERROR / INTERNAL TARGET FAILURE rather than in a GOOD status that
     * would claim the preempted commands are gone (the reservation change itself stays; the
     * application client recovers with a LOGICAL UNIT RESET, §5.13.11.2.4.2).
     */
    private static CompletableFuture<ScsiResult> abortPreempted(CommandContext context,
            List<PersistentReservations.Registration> preempted, long listLength) {
        ItNexus preempting = context.nexus();
        List<PersistentReservations.Registration> registrations = List.copyOf(preempted);
        CompletableFuture<Void> aborted = context.unit().abortTaskSets(candidate -> !candidate.equals(preempting)
                && registrations.stream().anyMatch(registration -> registration.matches(candidate)));
        return aborted.orTimeout(ABORT_LIMIT.toMillis(), TimeUnit.MILLISECONDS).handle((done, failure) -> {
            if (failure != null) {
                throw new CompletionException(SenseException.internalTargetFailure(failure));
            }
            return ScsiResult.goodWrite(listLength);
        });
    }

    /**
     * The SPEC_I_PT additional parameter data (SPC-4 §6.16.3 Table 215): TRANSPORTID PARAMETER DATA
     * LENGTH at byte 24, then iSCSI TransportIDs (§7.6.4.6). Only FORMAT CODE 01b (initiator port:
     * name and ISID) is accepted. FORMAT CODE 00b names an iSCSI initiator device, not an initiator
     * port: an I_T nexus of iSCSI is keyed by the port name, which includes the ISID (RFC 7143
     * §4.4.2, SPC-4 §5.13.7 d) B)), so a name alone specifies no I_T nexus to register, and
     * registering every present and future ISID of that name would make unrelated sessions of one
     * initiator share one registration (and one reservation). It is refused with INVALID FIELD IN
     * PARAMETER LIST pointing at its FORMAT CODE.
     *
     * <p>A list that does not end exactly after the TransportIDs, or that cuts one short, ends in
     * PARAMETER LIST LENGTH ERROR (§6.16.3 a) and b)).
     */
    private static List<PersistentReservations.SpecifiedPort> specifiedPorts(ByteBuf dataOut, int start,
            long listLength, ItNexus own) throws SenseException {
        if (listLength < SPECIFIED_HEADER_LENGTH) {
            throw SenseException.parameterListLengthError();
        }
        long transportIdsLength = dataOut.getUnsignedInt(start + PARAMETER_LIST_LENGTH);
        if (SPECIFIED_HEADER_LENGTH + transportIdsLength != listLength) {
            throw SenseException.parameterListLengthError();
        }
        List<PersistentReservations.SpecifiedPort> ports = new ArrayList<>();
        int offset = SPECIFIED_HEADER_LENGTH;
        while (offset < listLength) {
            if (listLength - offset < TRANSPORT_ID_HEADER_LENGTH) {
                throw SenseException.parameterListLengthError();
            }
            int length = TRANSPORT_ID_HEADER_LENGTH + dataOut.getUnsignedShort(start + offset + 2);
            if (length > listLength - offset) {
                throw SenseException.parameterListLengthError();
            }
            byte[] transportId = new byte[length];
            dataOut.getBytes(start + offset, transportId);
            ports.add(new PersistentReservations.SpecifiedPort(
                    destination(transportId, offset, own.targetName(), own.targetPortalGroupTag()), offset));
            offset += length;
        }
        return ports;
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
        ItNexus destination = destination(transportId, PARAMETER_LIST_LENGTH, own.targetName(),
                own.targetPortalGroupTag());
        context.unit().persistentReservations().registerAndMove(own, key, serviceActionKey, destination,
                (flags & UNREG) != 0, (flags & APTPL) != 0);
        return ScsiResult.goodWrite(listLength);
    }

    /**
     * The I_T nexus an iSCSI initiator port TransportID (FORMAT CODE 01b) names on this target port;
     * {@code offset} is where the TransportID starts in the parameter list, for the sense data.
     */
    private static ItNexus destination(byte[] transportId, int offset, String targetName, int targetPortalGroupTag)
            throws SenseException {
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

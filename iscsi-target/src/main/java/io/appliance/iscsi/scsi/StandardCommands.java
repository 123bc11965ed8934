package io.appliance.iscsi.scsi;

import static io.appliance.iscsi.scsi.CommandDescriptor.Attribute.ALLOWED_UNDER_OTHERS_RESERVATION;
import static io.appliance.iscsi.scsi.CommandDescriptor.Attribute.ANSWERS_WITHOUT_UNIT;
import static io.appliance.iscsi.scsi.CommandDescriptor.Attribute.IGNORES_UNIT_ATTENTION;
import static io.appliance.iscsi.scsi.CommandDescriptor.Attribute.NEEDS_ATOMIC_WRITE_LOG;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The dispatch table of this device server: every supported command with its CDB usage data
 * (SPC-4 §6.35.3: the opcode, then the bits the device server looks at; the control byte's NACA
 * bit, which is checked and must be zero). Anything not listed is INVALID COMMAND OPERATION CODE.
 */
final class StandardCommands {

    static final CommandTable TABLE = build();

    /** CONTROL byte usage: NACA (SAM-5 §5.2), checked. */
    private static final int C = 0x04;

    private StandardCommands() {
    }

    private static CommandTable build() {
        List<CommandDescriptor> commands = new ArrayList<>();
        Set<CommandDescriptor.Attribute> none = EnumSet.noneOf(CommandDescriptor.Attribute.class);
        Set<CommandDescriptor.Attribute> unitless = EnumSet.of(ANSWERS_WITHOUT_UNIT, IGNORES_UNIT_ATTENTION,
                ALLOWED_UNDER_OTHERS_RESERVATION);
        Set<CommandDescriptor.Attribute> release = EnumSet.of(ALLOWED_UNDER_OTHERS_RESERVATION);

        // SPC-4 commands
        add(commands, 0x00, "TEST UNIT READY", none, new TestUnitReadyHandler(), 0, 0, 0, 0, C);
        add(commands, 0x03, "REQUEST SENSE", unitless, new RequestSenseHandler(), 0, 0, 0, 0xFF, C);
        add(commands, 0x12, "INQUIRY", unitless, new InquiryHandler(), 0x01, 0xFF, 0xFF, 0xFF, C);
        add(commands, 0x15, "MODE SELECT(6)", none, new ModeSelectHandler(false), 0x10, 0, 0, 0xFF, C);
        add(commands, 0x16, "RESERVE(6)", none, new ReserveHandler(), 0, 0, 0, 0, C);
        add(commands, 0x17, "RELEASE(6)", release, new ReleaseHandler(), 0, 0, 0, 0, C);
        add(commands, 0x1A, "MODE SENSE(6)", none, new ModeSenseHandler(false), 0x08, 0xFF, 0xFF, 0xFF, C);
        add(commands, 0x55, "MODE SELECT(10)", none, new ModeSelectHandler(true), 0x10, 0, 0, 0, 0, 0, 0xFF, 0xFF, C);
        add(commands, 0x56, "RESERVE(10)", none, new ReserveHandler(), 0, 0, 0, 0, 0, 0, 0, 0, C);
        add(commands, 0x57, "RELEASE(10)", release, new ReleaseHandler(), 0, 0, 0, 0, 0, 0, 0, 0, C);
        add(commands, 0x5A, "MODE SENSE(10)", none, new ModeSenseHandler(true), 0x18, 0xFF, 0xFF, 0, 0, 0, 0xFF, 0xFF, C);
        CopyManager copyManager = new CopyManager();
        add(commands, 0x83, "EXTENDED COPY(LID1)", none, new ExtendedCopyHandler(copyManager),
                0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, C);
        addServiceAction(commands, 0x84, ReceiveCopyResultsHandler.COPY_STATUS, "RECEIVE COPY RESULTS(COPY STATUS)", none,
                new ReceiveCopyResultsHandler(copyManager), 0xFF, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, C);
        addServiceAction(commands, 0x84, ReceiveCopyResultsHandler.OPERATING_PARAMETERS,
                "RECEIVE COPY RESULTS(OPERATING PARAMETERS)", none, new ReceiveCopyResultsHandler(copyManager),
                0xFF, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, C);
        add(commands, 0xA0, "REPORT LUNS", unitless, new ReportLunsHandler(), 0, 0xFF, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, C);
        for (int action = PersistentReserveInHandler.READ_KEYS; action <= PersistentReserveInHandler.READ_FULL_STATUS;
                action++) {
            addServiceAction(commands, 0x5E, action, "PERSISTENT RESERVE IN", none, new PersistentReserveInHandler(action),
                    0, 0, 0, 0, 0, 0xFF, 0xFF, C);
        }
        for (int action = PersistentReserveOutHandler.REGISTER;
                action <= PersistentReserveOutHandler.REGISTER_AND_MOVE; action++) {
            addServiceAction(commands, 0x5F, action, "PERSISTENT RESERVE OUT", none,
                    new PersistentReserveOutHandler(action), 0xFF, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, C);
        }
        addServiceAction(commands, 0xA3, 0x0C, "REPORT SUPPORTED OPERATION CODES", none,
                new ReportSupportedOperationCodesHandler(), 0x87, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, C);

        // SBC-3 commands
        add(commands, 0x08, "READ(6)", none, new ReadHandler(BlockCdb.SIX), 0x1F, 0xFF, 0xFF, 0xFF, C);
        add(commands, 0x0A, "WRITE(6)", none, new WriteHandler(BlockCdb.SIX), 0x1F, 0xFF, 0xFF, 0xFF, C);
        add(commands, 0x1B, "START STOP UNIT", none, new StartStopUnitHandler(), 0x01, 0, 0x0F, 0xF7, C);
        add(commands, 0x1E, "PREVENT ALLOW MEDIUM REMOVAL", none, new PreventAllowMediumRemovalHandler(), 0, 0, 0, 0x03, C);
        add(commands, 0x25, "READ CAPACITY(10)", none, new ReadCapacity10Handler(), 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0x01, C);
        add(commands, 0x28, "READ(10)", none, new ReadHandler(BlockCdb.TEN), ten(0x18));
        add(commands, 0x2A, "WRITE(10)", none, new WriteHandler(BlockCdb.TEN), ten(0x18));
        add(commands, 0x2E, "WRITE AND VERIFY(10)", none, new WriteAndVerifyHandler(BlockCdb.TEN), ten(0x12));
        add(commands, 0x2F, "VERIFY(10)", none, new VerifyHandler(BlockCdb.TEN), ten(0x16));
        add(commands, 0x34, "PRE-FETCH(10)", none, new PreFetchHandler(BlockCdb.TEN), ten(0x02));
        add(commands, 0x35, "SYNCHRONIZE CACHE(10)", none, new SynchronizeCacheHandler(BlockCdb.TEN), ten(0x02));
        add(commands, 0x37, "READ DEFECT DATA(10)", none, new ReadDefectDataHandler(false), 0, 0x1F, 0, 0, 0, 0, 0xFF, 0xFF, C);
        add(commands, 0x41, "WRITE SAME(10)", none, new WriteSameHandler(BlockCdb.TEN), ten(0x08));
        add(commands, 0x42, "UNMAP", none, new UnmapHandler(), 0, 0, 0, 0, 0, 0x1F, 0xFF, 0xFF, C);
        add(commands, 0x88, "READ(16)", none, new ReadHandler(BlockCdb.SIXTEEN), sixteen(0x18));
        add(commands, 0x89, "COMPARE AND WRITE", none, new CompareAndWriteHandler(),
                0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0xFF, 0x1F, C);
        add(commands, 0x8A, "WRITE(16)", none, new WriteHandler(BlockCdb.SIXTEEN), sixteen(0x18));
        add(commands, 0x8B, "ORWRITE(16)", none, new OrWriteHandler(), sixteen(0x18));
        add(commands, 0x8E, "WRITE AND VERIFY(16)", none, new WriteAndVerifyHandler(BlockCdb.SIXTEEN), sixteen(0x12));
        add(commands, 0x8F, "VERIFY(16)", none, new VerifyHandler(BlockCdb.SIXTEEN), sixteen(0x16));
        add(commands, 0x90, "PRE-FETCH(16)", none, new PreFetchHandler(BlockCdb.SIXTEEN), sixteen(0x02));
        add(commands, 0x91, "SYNCHRONIZE CACHE(16)", none, new SynchronizeCacheHandler(BlockCdb.SIXTEEN), sixteen(0x02));
        add(commands, 0x93, "WRITE SAME(16)", none, new WriteSameHandler(BlockCdb.SIXTEEN), sixteen(0x09));
        // SBC-4 §5.48: DPO and FUA (ModeSenseHandler reports DPOFUA 1), LBA, ATOMIC BOUNDARY, TRANSFER LENGTH, GROUP
        add(commands, 0x9C, "WRITE ATOMIC(16)", EnumSet.of(NEEDS_ATOMIC_WRITE_LOG), new WriteAtomicHandler(),
                0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, C);
        addServiceAction(commands, 0x9E, 0x10, "READ CAPACITY(16)", none, new ReadCapacity16Handler(),
                0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, C);
        addServiceAction(commands, 0x9E, 0x12, "GET LBA STATUS", none, new GetLbaStatusHandler(),
                0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, C);
        add(commands, 0xA8, "READ(12)", none, new ReadHandler(BlockCdb.TWELVE), twelve(0x18));
        add(commands, 0xAA, "WRITE(12)", none, new WriteHandler(BlockCdb.TWELVE), twelve(0x18));
        add(commands, 0xAE, "WRITE AND VERIFY(12)", none, new WriteAndVerifyHandler(BlockCdb.TWELVE), twelve(0x12));
        add(commands, 0xAF, "VERIFY(12)", none, new VerifyHandler(BlockCdb.TWELVE), twelve(0x16));
        add(commands, 0xB7, "READ DEFECT DATA(12)", none, new ReadDefectDataHandler(true),
                0x1F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, C);
        return new CommandTable(commands);
    }

    /** 10-byte block CDB usage: flags byte, LBA, GROUP NUMBER, length. */
    private static int[] ten(int flags) {
        return new int[] {flags, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0xFF, 0xFF, C};
    }

    private static int[] twelve(int flags) {
        return new int[] {flags, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, C};
    }

    private static int[] sixteen(int flags) {
        return new int[] {flags, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, C};
    }

    private static void add(List<CommandDescriptor> commands, int opcode, String name,
            Set<CommandDescriptor.Attribute> attributes, CommandHandler handler, int... usageAfterOpcode) {
        commands.add(new CommandDescriptor(opcode, -1, name, usage(opcode, usageAfterOpcode), attributes, handler));
    }

    /** {@code usageAfterServiceAction} starts at CDB byte 2. */
    private static void addServiceAction(List<CommandDescriptor> commands, int opcode, int serviceAction, String name,
            Set<CommandDescriptor.Attribute> attributes, CommandHandler handler, int... usageAfterServiceAction) {
        int[] rest = new int[usageAfterServiceAction.length + 1];
        rest[0] = serviceAction;
        System.arraycopy(usageAfterServiceAction, 0, rest, 1, usageAfterServiceAction.length);
        commands.add(new CommandDescriptor(opcode, serviceAction, name, usage(opcode, rest), attributes, handler));
    }

    private static byte[] usage(int opcode, int[] rest) {
        byte[] usage = new byte[rest.length + 1];
        usage[0] = (byte) opcode;
        for (int i = 0; i < rest.length; i++) {
            usage[i + 1] = (byte) rest[i];
        }
        return usage;
    }
}

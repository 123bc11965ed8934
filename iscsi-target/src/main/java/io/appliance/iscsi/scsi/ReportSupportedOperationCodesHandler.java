package io.appliance.iscsi.scsi;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * REPORT SUPPORTED OPERATION CODES, service action 0Ch of MAINTENANCE IN — SPC-4 §6.35. Reports
 * exactly the {@link CommandTable}:
 * <ul>
 *   <li>REPORTING OPTIONS 000b: every command (Table 353 descriptors), with a command timeouts
 *       descriptor each when RCTD is set;
 *   <li>001b: one opcode without service actions (INVALID FIELD IN CDB if it has them);
 *   <li>010b: one opcode and service action (INVALID FIELD IN CDB if it has none);
 * </ul>
 * For one command the answer carries SUPPORT 011b and the CDB usage data, or SUPPORT 001b (not
 * supported) with no usage data. Other reporting options are INVALID FIELD IN CDB. A command the
 * addressed unit does not support ({@link CommandDescriptor#supportedBy}) is neither listed nor
 * reported as supported.
 */
final class ReportSupportedOperationCodesHandler implements CommandHandler {

    private static final int ALL_COMMANDS = 0;
    private static final int ONE_COMMAND = 1;
    private static final int ONE_SERVICE_ACTION = 2;
    private static final int RCTD = 0x80;
    private static final int TIMEOUTS_DESCRIPTOR_LENGTH = 12;
    private static final int SUPPORTED_STANDARD = 0x03;
    private static final int NOT_SUPPORTED = 0x01;
    /** RECOMMENDED COMMAND TIMEOUT reported for every command, in seconds. */
    private static final int RECOMMENDED_TIMEOUT_SECONDS = 30;

    @Override
    public CompletableFuture<ScsiResult> execute(CommandContext context) throws SenseException {
        byte[] cdb = context.cdb();
        boolean timeouts = (cdb[2] & RCTD) != 0;
        int options = cdb[2] & 0x07;
        int requestedOpcode = Cdb.u8(cdb, 3);
        int requestedServiceAction = Cdb.u16(cdb, 4);
        long allocationLength = Cdb.u32(cdb, 6);
        CommandTable table = context.port().commands();
        LogicalUnit unit = context.unit();
        byte[] data = switch (options) {
            case ALL_COMMANDS -> allCommands(table.all().stream().filter(command -> command.supportedBy(unit)).toList(),
                    timeouts);
            case ONE_COMMAND -> {
                if (table.hasServiceActions(requestedOpcode)) {
                    throw SenseException.invalidFieldInCdb(3, -1);
                }
                yield oneCommand(supported(table.find(requestedOpcode, -1), unit), timeouts);
            }
            case ONE_SERVICE_ACTION -> {
                if (!table.hasServiceActions(requestedOpcode)) {
                    throw SenseException.invalidFieldInCdb(3, -1);
                }
                yield oneCommand(supported(table.find(requestedOpcode, requestedServiceAction), unit), timeouts);
            }
            default -> throw SenseException.invalidFieldInCdb(2, 2);
        };
        return DataIn.truncated(data, allocationLength);
    }

    /** {@code command} when {@code unit} supports it, else null. */
    private static CommandDescriptor supported(CommandDescriptor command, LogicalUnit unit) {
        return command != null && command.supportedBy(unit) ? command : null;
    }

    private static byte[] allCommands(List<CommandDescriptor> commands, boolean timeouts) {
        int descriptorLength = 8 + (timeouts ? TIMEOUTS_DESCRIPTOR_LENGTH : 0);
        byte[] data = new byte[4 + descriptorLength * commands.size()];
        Cdb.putInt(data, 0, (long) descriptorLength * commands.size());
        int offset = 4;
        for (CommandDescriptor command : commands) {
            data[offset] = (byte) command.opcode();
            Cdb.putShort(data, offset + 2, command.hasServiceAction() ? command.serviceAction() : 0);
            data[offset + 5] = (byte) ((timeouts ? 0x02 : 0) | (command.hasServiceAction() ? 0x01 : 0)); // CTDP, SERVACTV
            Cdb.putShort(data, offset + 6, command.cdbLength());
            if (timeouts) {
                timeoutsDescriptor(data, offset + 8);
            }
            offset += descriptorLength;
        }
        return data;
    }

    private static byte[] oneCommand(CommandDescriptor command, boolean timeouts) {
        if (command == null) {
            byte[] data = new byte[4];
            data[1] = NOT_SUPPORTED;
            return data;
        }
        byte[] usage = command.usage();
        byte[] data = new byte[4 + usage.length + (timeouts ? TIMEOUTS_DESCRIPTOR_LENGTH : 0)];
        data[1] = (byte) ((timeouts ? 0x80 : 0) | SUPPORTED_STANDARD);
        Cdb.putShort(data, 2, usage.length);
        System.arraycopy(usage, 0, data, 4, usage.length);
        if (timeouts) {
            timeoutsDescriptor(data, 4 + usage.length);
        }
        return data;
    }

    /** Command timeouts descriptor, SPC-4 Table 356: nominal processing time not given, recommended timeout. */
    private static void timeoutsDescriptor(byte[] data, int offset) {
        Cdb.putShort(data, offset, TIMEOUTS_DESCRIPTOR_LENGTH - 2);
        Cdb.putInt(data, offset + 8, RECOMMENDED_TIMEOUT_SECONDS);
    }
}

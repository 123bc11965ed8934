package io.appliance.itest.harness;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A command-line SPC-4 persistent-reservation client run in a client namespace: logs in to {@code HOST:PORT} as
 * {@code INITIATOR} with ISID qualifier {@code QUALIFIER} (so every run of one initiator is the same I_T nexus), runs
 * one action on LUN {@code LUN}, prints one line and exits 0; 2 when the target answered with an unexpected status,
 * 3 when it cannot be reached. The unit attention of a fresh login (SAM-5 §5.14) is retried a few times.
 *
 * <pre>ReservationProbe HOST PORT TARGET LUN INITIATOR QUALIFIER ACTION [ARGUMENT]
 *   register KEY        PERSISTENT RESERVE OUT REGISTER (service action key KEY, hex) -> "registered"
 *   reserve KEY         PERSISTENT RESERVE OUT RESERVE, type Write Exclusive (1)     -> "reserved"
 *   write               WRITE (10) of block 0, zeros                                -> "status 0x00" or "status 0x18"
 *   caw OLD:NEW         COMPARE AND WRITE of block 0: expects every byte OLD, writes every byte NEW (hex)
 *                       -> "written", "miscompare" (MISCOMPARE sense) or "status 0x.."
 *   read-keys           PERSISTENT RESERVE IN READ KEYS        -> "generation G keys K1,K2" (hex, sorted)
 *   read-reservation    PERSISTENT RESERVE IN READ RESERVATION -> "reservation KEY type T" or "reservation none"</pre>
 */
public final class ReservationProbe {

    private static final int OPCODE_PR_IN = 0x5e;
    private static final int OPCODE_PR_OUT = 0x5f;
    private static final int OPCODE_WRITE_10 = 0x2a;
    private static final int OPCODE_COMPARE_AND_WRITE = 0x89;
    private static final int SENSE_KEY_MISCOMPARE = 0xe;
    private static final int SERVICE_ACTION_REGISTER = 0x00;
    private static final int SERVICE_ACTION_RESERVE = 0x01;
    private static final int SERVICE_ACTION_READ_KEYS = 0x00;
    private static final int SERVICE_ACTION_READ_RESERVATION = 0x01;
    private static final int TYPE_WRITE_EXCLUSIVE = 0x01;
    private static final int PARAMETER_LIST_LENGTH = 24;
    private static final int ALLOCATION_LENGTH = 4096;
    private static final int SENSE_KEY_UNIT_ATTENTION = 0x6;
    private static final int ATTEMPTS = 4;

    private ReservationProbe() {
    }

    public static void main(String[] arguments) {
        if (arguments.length < 7 || arguments.length > 8) {
            System.out.println("usage: HOST PORT TARGET LUN INITIATOR QUALIFIER ACTION [ARGUMENT]");
            System.exit(64);
        }
        IscsiEndpoint endpoint = new IscsiEndpoint(arguments[0], Integer.parseInt(arguments[1]), arguments[2],
                Integer.parseInt(arguments[3]));
        String action = arguments[6];
        String argument = arguments.length == 8 ? arguments[7] : "0";
        try (IscsiProbe probe = IscsiProbe.login(endpoint, arguments[4], Integer.parseInt(arguments[5]))) {
            String answer = switch (action) {
                case "register" -> expectGood(run(probe, prOut(SERVICE_ACTION_REGISTER, 0), parameters(0, key(argument))),
                        "registered");
                case "reserve" -> expectGood(run(probe, prOut(SERVICE_ACTION_RESERVE, TYPE_WRITE_EXCLUSIVE),
                        parameters(key(argument), 0)), "reserved");
                case "caw" -> compareAndWrite(probe, argument);
                case "write" -> "status 0x" + String.format(Locale.ROOT, "%02x",
                        run(probe, IscsiBlockTool.cdb10(OPCODE_WRITE_10, 0, 1), new byte[IscsiBlockTool.logicalBlockSize(probe)])
                                .status());
                case "read-keys" -> readKeys(run(probe, prIn(SERVICE_ACTION_READ_KEYS), null));
                case "read-reservation" -> readReservation(run(probe, prIn(SERVICE_ACTION_READ_RESERVATION), null));
                default -> {
                    System.out.println("unknown action " + action);
                    System.exit(64);
                    yield "";
                }
            };
            System.out.println(answer);
            System.exit(0);
        } catch (UnexpectedStatus e) {
            System.out.println(e.getMessage());
            System.exit(2);
        } catch (IOException | RuntimeException e) {
            System.out.println("broken " + e);
            System.exit(3);
        }
    }

    private static long key(String hex) {
        return Long.parseUnsignedLong(hex, 16);
    }

    /** COMPARE AND WRITE (SBC-3 §5.2) of one block at LBA 0; {@code bytes} is "OLD:NEW", two hex bytes. */
    private static String compareAndWrite(IscsiProbe probe, String bytes) throws IOException {
        String[] oldAndNew = bytes.split(":");
        int blockSize = IscsiBlockTool.logicalBlockSize(probe);
        byte[] data = new byte[2 * blockSize];
        java.util.Arrays.fill(data, 0, blockSize, (byte) Integer.parseInt(oldAndNew[0], 16));
        java.util.Arrays.fill(data, blockSize, 2 * blockSize, (byte) Integer.parseInt(oldAndNew[1], 16));
        byte[] cdb = new byte[16];
        cdb[0] = (byte) OPCODE_COMPARE_AND_WRITE;
        cdb[13] = 1; // NUMBER OF LOGICAL BLOCKS
        IscsiProbe.CommandOutcome outcome = run(probe, cdb, data);
        if (outcome.status() == IscsiProbe.STATUS_GOOD) {
            return "written";
        }
        if (outcome.senseKey() == SENSE_KEY_MISCOMPARE) {
            return "miscompare";
        }
        return String.format(Locale.ROOT, "status 0x%02x", outcome.status());
    }

    /** Runs a command, again while it ends in a unit attention (the fresh login's). */
    private static IscsiProbe.CommandOutcome run(IscsiProbe probe, byte[] cdb, byte[] dataOut) throws IOException {
        IscsiProbe.CommandOutcome outcome = null;
        for (int attempt = 0; attempt < ATTEMPTS && (outcome == null || outcome.senseKey() == SENSE_KEY_UNIT_ATTENTION);
                attempt++) {
            outcome = dataOut == null ? probe.execute(cdb, ALLOCATION_LENGTH) : probe.executeWithData(cdb, dataOut);
        }
        return outcome;
    }

    private static String expectGood(IscsiProbe.CommandOutcome outcome, String answer) {
        if (outcome.status() != IscsiProbe.STATUS_GOOD) {
            throw new UnexpectedStatus(outcome);
        }
        return answer;
    }

    /** PERSISTENT RESERVE OUT (SPC-4 §6.16): service action, scope LU_SCOPE, type, parameter list length 24. */
    private static byte[] prOut(int serviceAction, int type) {
        byte[] cdb = new byte[10];
        cdb[0] = (byte) OPCODE_PR_OUT;
        cdb[1] = (byte) serviceAction;
        cdb[2] = (byte) type;
        cdb[8] = (byte) PARAMETER_LIST_LENGTH;
        return cdb;
    }

    /** PERSISTENT RESERVE IN (SPC-4 §6.15) with an allocation length of 4096. */
    private static byte[] prIn(int serviceAction) {
        byte[] cdb = new byte[10];
        cdb[0] = (byte) OPCODE_PR_IN;
        cdb[1] = (byte) serviceAction;
        cdb[7] = (byte) (ALLOCATION_LENGTH >> 8);
        cdb[8] = (byte) ALLOCATION_LENGTH;
        return cdb;
    }

    /** The basic PR OUT parameter list (SPC-4 §6.16.3): RESERVATION KEY, SERVICE ACTION RESERVATION KEY. */
    private static byte[] parameters(long reservationKey, long serviceActionKey) {
        return ByteBuffer.allocate(PARAMETER_LIST_LENGTH).putLong(reservationKey).putLong(serviceActionKey).array();
    }

    /** READ KEYS parameter data (SPC-4 §6.15.2): PRGENERATION, ADDITIONAL LENGTH, then 8-byte keys. */
    private static String readKeys(IscsiProbe.CommandOutcome outcome) {
        byte[] data = expectData(outcome, 8);
        ByteBuffer buffer = ByteBuffer.wrap(data);
        long generation = buffer.getInt() & 0xffffffffL;
        int length = buffer.getInt();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i + 8 <= length && buffer.remaining() >= 8; i += 8) {
            keys.add(Long.toHexString(buffer.getLong()));
        }
        keys.sort(null);
        return "generation " + generation + " keys " + String.join(",", keys);
    }

    /** READ RESERVATION parameter data (SPC-4 §6.15.3): a 16-byte descriptor when a reservation exists. */
    private static String readReservation(IscsiProbe.CommandOutcome outcome) {
        byte[] data = expectData(outcome, 8);
        ByteBuffer buffer = ByteBuffer.wrap(data);
        buffer.getInt();
        int length = buffer.getInt();
        if (length < 16 || data.length < 24) {
            return "reservation none";
        }
        long key = buffer.getLong();
        buffer.getInt();
        buffer.get();
        int type = buffer.get() & 0x0f;
        return "reservation " + Long.toHexString(key) + " type " + type;
    }

    private static byte[] expectData(IscsiProbe.CommandOutcome outcome, int atLeast) {
        if (outcome.status() != IscsiProbe.STATUS_GOOD || outcome.data().length < atLeast) {
            throw new UnexpectedStatus(outcome);
        }
        return outcome.data();
    }

    private static final class UnexpectedStatus extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnexpectedStatus(IscsiProbe.CommandOutcome outcome) {
            super(String.format(Locale.ROOT, "status 0x%02x sense key %d asc/ascq %04x", outcome.status(),
                    outcome.senseKey(), outcome.additionalSense() & 0xffff));
        }
    }
}

package io.appliance.itest.harness;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A deliberately small iSCSI initiator, independent of the target's own codec, that keeps ONE
 * session (one connection, one I_T nexus) open so a test can watch what a logged-in initiator sees
 * over time, such as a unit attention raised by an administrative change.
 *
 * <p>It logs in with {@code AuthMethod=None} (RFC 7143 §6.3: security stage, then operational
 * stage, then full feature phase), sends one SCSI command at a time (no pipelining, no R2T: data-out
 * only as immediate data in the command PDU), reads Data-In and SCSI Response PDUs, and answers
 * target NOP-Ins.
 * Every read has the socket timeout {@link #IO_LIMIT}; a PDU it does not expect, a Reject, or a
 * data segment above {@link #MAX_DATA_SEGMENT} ends the probe with an {@link IOException}.
 *
 * <pre>{@code
 * try (IscsiProbe probe = IscsiProbe.login(endpoint, "iqn.2026-11.io.appliance.itest:probe")) {
 *     IscsiProbe.CommandOutcome outcome = probe.testUnitReady();
 * }
 * }</pre>
 */
public final class IscsiProbe implements AutoCloseable {

    /** Longest wait for the connection or for any PDU. */
    public static final Duration IO_LIMIT = Duration.ofSeconds(15);
    /** What this initiator declares as MaxRecvDataSegmentLength, and the most it accepts. */
    public static final int MAX_DATA_SEGMENT = 262_144;

    /** SCSI status GOOD (SAM-5 §5.3). */
    public static final int STATUS_GOOD = 0x00;
    /** SCSI status CHECK CONDITION. */
    public static final int STATUS_CHECK_CONDITION = 0x02;

    private static final int BASIC_HEADER_LENGTH = 48;
    private static final int LOGIN_STAGE_LIMIT = 8;
    private static final int UNSOLICITED_PDU_LIMIT = 64;

    // RFC 7143 §11.1.1 opcodes
    private static final int OPCODE_NOP_OUT = 0x00;
    private static final int OPCODE_SCSI_COMMAND = 0x01;
    private static final int OPCODE_LOGIN_REQUEST = 0x03;
    private static final int OPCODE_LOGOUT_REQUEST = 0x06;
    private static final int OPCODE_NOP_IN = 0x20;
    private static final int OPCODE_SCSI_RESPONSE = 0x21;
    private static final int OPCODE_LOGIN_RESPONSE = 0x23;
    private static final int OPCODE_DATA_IN = 0x25;
    private static final int OPCODE_LOGOUT_RESPONSE = 0x26;
    private static final int OPCODE_ASYNC_MESSAGE = 0x32;
    private static final int OPCODE_REJECT = 0x3f;
    private static final int IMMEDIATE = 0x40;
    private static final int RESERVED_TAG = 0xffffffff;

    private static final int STAGE_SECURITY = 0;
    private static final int STAGE_OPERATIONAL = 1;
    private static final int STAGE_FULL_FEATURE = 3;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final int lun;
    private int commandSequence = 1;
    private int expectedStatusSequence;
    private int nextTaskTag = 1;
    private final Map<String, String> negotiated = new LinkedHashMap<>();

    private IscsiProbe(Socket socket, int lun) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.lun = lun;
    }

    /** Connects to {@code endpoint}'s portal and logs in to its target as {@code initiatorName} (a random ISID). */
    public static IscsiProbe login(IscsiEndpoint endpoint, String initiatorName) throws IOException {
        return login(endpoint, initiatorName, (int) (System.nanoTime() & 0x7f));
    }

    /**
     * As {@link #login(IscsiEndpoint, String)} with the ISID's last byte {@code isidQualifier}: the same name and
     * qualifier make the same initiator port, so a new login is the same I_T nexus (SPC-4 §5.13: registrations).
     */
    public static IscsiProbe login(IscsiEndpoint endpoint, String initiatorName, int isidQualifier) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), (int) IO_LIMIT.toMillis());
            socket.setSoTimeout((int) IO_LIMIT.toMillis());
            socket.setTcpNoDelay(true);
            IscsiProbe probe = new IscsiProbe(socket, endpoint.lun());
            probe.negotiateLogin(endpoint.targetName(), initiatorName, (byte) isidQualifier);
            return probe;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** TEST UNIT READY (SPC-4 §6.47). */
    public CommandOutcome testUnitReady() throws IOException {
        return execute(new byte[6], 0);
    }

    /** READ CAPACITY (16) (SBC-3 §5.16) with a 32-byte allocation length. */
    public CommandOutcome readCapacity16() throws IOException {
        byte[] cdb = new byte[16];
        cdb[0] = (byte) 0x9e;
        cdb[1] = 0x10; // service action READ CAPACITY (16)
        ByteBuffer.wrap(cdb).putInt(10, 32);
        return execute(cdb, 32);
    }

    /** Sends one SCSI command without data-out and reads until its status arrives. */
    public CommandOutcome execute(byte[] cdb, int expectedDataLength) throws IOException {
        return execute(cdb, expectedDataLength, new byte[0]);
    }

    /**
     * Sends one SCSI command whose data-out travels entirely as immediate data in the command PDU
     * (RFC 7143 §13.14: ImmediateData=Yes; with InitialR2T=Yes the initiator may send up to
     * FirstBurstLength unsolicited bytes that way), then reads until its status arrives.
     *
     * @throws IllegalArgumentException when the data does not fit one immediate data segment
     */
    public CommandOutcome executeWithData(byte[] cdb, byte[] dataOut) throws IOException {
        if (!"Yes".equals(negotiated.get("ImmediateData"))) {
            throw new IllegalStateException("the target did not accept ImmediateData=Yes: " + negotiated);
        }
        long limit = Math.min(Long.parseLong(negotiated.getOrDefault("FirstBurstLength", "65536")),
                Long.parseLong(negotiated.getOrDefault("MaxRecvDataSegmentLength", "8192")));
        if (dataOut.length == 0 || dataOut.length > limit) {
            throw new IllegalArgumentException(dataOut.length + " bytes do not fit one immediate data segment of at most " + limit);
        }
        return execute(cdb, 0, dataOut);
    }

    private CommandOutcome execute(byte[] cdb, int expectedDataLength, byte[] dataOut) throws IOException {
        if (cdb.length > 16) {
            throw new IllegalArgumentException("CDBs longer than 16 bytes need an AHS, which this probe does not send");
        }
        int taskTag = nextTaskTag++;
        ByteBuffer header = ByteBuffer.allocate(BASIC_HEADER_LENGTH);
        header.put(0, (byte) OPCODE_SCSI_COMMAND);
        // RFC 7143 §11.3.1: F, R when data is expected, W when data goes out, task attribute SIMPLE (1)
        header.put(1, (byte) (0x80 | (expectedDataLength > 0 ? 0x40 : 0) | (dataOut.length > 0 ? 0x20 : 0) | 0x01));
        header.putLong(8, singleLevelLun(lun));
        header.putInt(16, taskTag);
        header.putInt(20, expectedDataLength > 0 ? expectedDataLength : dataOut.length);
        header.putInt(24, commandSequence++);
        header.putInt(28, expectedStatusSequence);
        header.put(32, cdb);
        send(header.array(), dataOut);

        byte[] data = new byte[0];
        for (int unsolicited = 0; unsolicited < UNSOLICITED_PDU_LIMIT; unsolicited++) {
            Pdu pdu = receive();
            switch (pdu.opcode()) {
                case OPCODE_DATA_IN -> {
                    requireTag(pdu, taskTag);
                    int offset = pdu.header().getInt(40);
                    data = place(data, offset, pdu.data(), expectedDataLength);
                    // RFC 7143 §11.7.1: with the S bit the Data-In carries the status
                    if ((pdu.header().get(1) & 0x01) != 0) {
                        noteStatusSequence(pdu);
                        return new CommandOutcome(pdu.header().get(3) & 0xff, data, new byte[0]);
                    }
                }
                case OPCODE_SCSI_RESPONSE -> {
                    requireTag(pdu, taskTag);
                    noteStatusSequence(pdu);
                    int response = pdu.header().get(2) & 0xff;
                    if (response != 0) {
                        throw new IOException("iSCSI response " + response + " (target failure) instead of a SCSI status");
                    }
                    return new CommandOutcome(pdu.header().get(3) & 0xff, data, senseOf(pdu.data()));
                }
                case OPCODE_NOP_IN -> answerNopIn(pdu);
                case OPCODE_ASYNC_MESSAGE -> noteStatusSequence(pdu);
                default -> throw unexpected(pdu, "a Data-In or SCSI Response");
            }
        }
        throw new IOException("no status after " + UNSOLICITED_PDU_LIMIT + " PDUs");
    }

    /** Logs out (RFC 7143 §11.14, reason 0: close the session) when it can, then closes the connection. */
    @Override
    public void close() throws IOException {
        try {
            if (!socket.isClosed()) {
                ByteBuffer header = ByteBuffer.allocate(BASIC_HEADER_LENGTH);
                header.put(0, (byte) (OPCODE_LOGOUT_REQUEST | IMMEDIATE));
                header.put(1, (byte) 0x80);
                header.putInt(16, nextTaskTag++);
                header.putInt(24, commandSequence);
                header.putInt(28, expectedStatusSequence);
                send(header.array(), new byte[0]);
                for (int unsolicited = 0; unsolicited < UNSOLICITED_PDU_LIMIT; unsolicited++) {
                    if (receive().opcode() == OPCODE_LOGOUT_RESPONSE) {
                        break;
                    }
                }
            }
        } catch (IOException ignoredBecauseTheConnectionIsClosedNext) {
            // a target that drops the connection instead of answering the logout has still ended the session
        } finally {
            socket.close();
        }
    }

    private void negotiateLogin(String targetName, String initiatorName, byte isidQualifier) throws IOException {
        Map<String, String> security = new LinkedHashMap<>();
        security.put("InitiatorName", initiatorName);
        security.put("SessionType", "Normal");
        security.put("TargetName", targetName);
        security.put("AuthMethod", "None");
        Map<String, String> operational = new LinkedHashMap<>();
        operational.put("HeaderDigest", "None");
        operational.put("DataDigest", "None");
        operational.put("MaxRecvDataSegmentLength", Integer.toString(MAX_DATA_SEGMENT));
        operational.put("InitialR2T", "Yes");
        operational.put("ImmediateData", "Yes");
        operational.put("MaxBurstLength", Integer.toString(MAX_DATA_SEGMENT));
        operational.put("FirstBurstLength", Integer.toString(MAX_DATA_SEGMENT));
        operational.put("MaxOutstandingR2T", "1");
        operational.put("DataPDUInOrder", "Yes");
        operational.put("DataSequenceInOrder", "Yes");
        operational.put("ErrorRecoveryLevel", "0");
        operational.put("MaxConnections", "1");

        byte[] isid = {(byte) 0x80, 0x00, 0x12, 0x34, 0x56, isidQualifier}; // RFC 7143 §11.12.5: random format
        int taskTag = nextTaskTag++;
        int tsih = 0;
        int currentStage = STAGE_SECURITY;
        Map<String, String> pending = security;
        for (int exchange = 0; exchange < LOGIN_STAGE_LIMIT; exchange++) {
            int nextStage = currentStage == STAGE_SECURITY ? STAGE_OPERATIONAL : STAGE_FULL_FEATURE;
            ByteBuffer header = ByteBuffer.allocate(BASIC_HEADER_LENGTH);
            header.put(0, (byte) (OPCODE_LOGIN_REQUEST | IMMEDIATE));
            header.put(1, (byte) (0x80 | currentStage << 2 | nextStage)); // T: ready to move on
            header.put(8, isid);
            header.putShort(14, (short) tsih);
            header.putInt(16, taskTag);
            header.putInt(24, commandSequence); // the login's CmdSN is the first command's (§11.12.8)
            header.putInt(28, expectedStatusSequence);
            send(header.array(), textSegment(pending));

            Pdu response = receive();
            if (response.opcode() != OPCODE_LOGIN_RESPONSE) {
                throw unexpected(response, "a Login Response");
            }
            int statusClass = response.header().get(36) & 0xff;
            int statusDetail = response.header().get(37) & 0xff;
            if (statusClass != 0) {
                throw new IOException(String.format("login refused: status class %d detail %d, keys %s",
                        statusClass, statusDetail, parseText(response.data())));
            }
            noteStatusSequence(response);
            negotiated.putAll(parseText(response.data()));
            tsih = response.header().getShort(14) & 0xffff;
            int flags = response.header().get(1) & 0xff;
            boolean transit = (flags & 0x80) != 0;
            int answeredNextStage = flags & 0x03;
            pending = Map.of();
            if (!transit) {
                continue; // the target wants another exchange in this stage; send no new keys
            }
            if (answeredNextStage == STAGE_FULL_FEATURE) {
                return;
            }
            currentStage = answeredNextStage;
            pending = operational;
        }
        throw new IOException("login did not reach the full feature phase in " + LOGIN_STAGE_LIMIT + " exchanges");
    }

    /** RFC 7143 §11.19: a NOP-In with a target transfer tag asks for a NOP-Out echoing it. */
    private void answerNopIn(Pdu nopIn) throws IOException {
        noteStatusSequence(nopIn);
        int targetTransferTag = nopIn.header().getInt(20);
        if (targetTransferTag == RESERVED_TAG) {
            return;
        }
        ByteBuffer header = ByteBuffer.allocate(BASIC_HEADER_LENGTH);
        header.put(0, (byte) (OPCODE_NOP_OUT | IMMEDIATE));
        header.put(1, (byte) 0x80);
        header.putLong(8, nopIn.header().getLong(8));
        header.putInt(16, RESERVED_TAG);
        header.putInt(20, targetTransferTag);
        header.putInt(24, commandSequence);
        header.putInt(28, expectedStatusSequence);
        send(header.array(), new byte[0]);
    }

    private void noteStatusSequence(Pdu pdu) {
        expectedStatusSequence = pdu.header().getInt(24) + 1;
    }

    private void send(byte[] header, byte[] data) throws IOException {
        ByteBuffer.wrap(header).putInt(4, data.length); // TotalAHSLength 0, DataSegmentLength
        out.write(header);
        out.write(data);
        out.write(new byte[padding(data.length)]);
        out.flush();
    }

    private Pdu receive() throws IOException {
        byte[] header = new byte[BASIC_HEADER_LENGTH];
        in.readFully(header);
        ByteBuffer view = ByteBuffer.wrap(header);
        int additionalHeaderLength = (header[4] & 0xff) * 4;
        int dataLength = view.getInt(4) & 0x00ffffff;
        if (dataLength > MAX_DATA_SEGMENT) {
            throw new IOException("data segment of " + dataLength + " bytes exceeds the declared " + MAX_DATA_SEGMENT);
        }
        in.skipNBytes(additionalHeaderLength);
        byte[] data = new byte[dataLength];
        in.readFully(data);
        in.skipNBytes(padding(dataLength));
        Pdu pdu = new Pdu(header[0] & 0x3f, view, data);
        if (pdu.opcode() == OPCODE_REJECT) {
            throw new IOException("target sent Reject, reason 0x" + Integer.toHexString(header[2] & 0xff));
        }
        return pdu;
    }

    private static int padding(int length) {
        return (4 - length % 4) % 4;
    }

    /** SAM-5 §4.6.19.3 peripheral device addressing for LUNs below 256, flat space addressing above. */
    private static long singleLevelLun(int lun) {
        if (lun < 256) {
            return (long) lun << 48;
        }
        return (0x4000L | lun) << 48;
    }

    /** RFC 7143 §11.7.5: the target must not send more than the Expected Data Transfer Length. */
    private static byte[] place(byte[] data, int offset, byte[] fragment, int expectedDataLength) throws IOException {
        if (offset < 0 || (long) offset + fragment.length > expectedDataLength) {
            throw new IOException("Data-In of " + fragment.length + " bytes at offset " + offset
                    + " beyond the expected " + expectedDataLength + " bytes");
        }
        byte[] grown = data.length >= offset + fragment.length ? data : Arrays.copyOf(data, offset + fragment.length);
        System.arraycopy(fragment, 0, grown, offset, fragment.length);
        return grown;
    }

    /** RFC 7143 §11.4.7.2: the data segment of a SCSI Response is SenseLength (2 bytes) then sense data. */
    private static byte[] senseOf(byte[] segment) throws IOException {
        if (segment.length < 2) {
            return new byte[0];
        }
        int senseLength = ByteBuffer.wrap(segment).getShort(0) & 0xffff;
        if (senseLength > segment.length - 2) {
            throw new IOException("SenseLength " + senseLength + " beyond the data segment of " + segment.length);
        }
        return Arrays.copyOfRange(segment, 2, 2 + senseLength);
    }

    private static void requireTag(Pdu pdu, int taskTag) throws IOException {
        int tag = pdu.header().getInt(16);
        if (tag != taskTag) {
            throw new IOException("PDU for task tag " + tag + " while waiting for " + taskTag);
        }
    }

    private static IOException unexpected(Pdu pdu, String wanted) {
        return new IOException("unexpected PDU opcode 0x" + Integer.toHexString(pdu.opcode()) + " while waiting for " + wanted);
    }

    private static byte[] textSegment(Map<String, String> keys) {
        StringBuilder text = new StringBuilder();
        keys.forEach((key, value) -> text.append(key).append('=').append(value).append('\0'));
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> parseText(byte[] data) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String pair : new String(data, StandardCharsets.UTF_8).split("\0")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                keys.put(pair.substring(0, equals), pair.substring(equals + 1));
            }
        }
        return keys;
    }

    private record Pdu(int opcode, ByteBuffer header, byte[] data) {
    }

    /**
     * What one SCSI command ended with.
     *
     * @param status the SCSI status byte
     * @param data   the Data-In bytes, in buffer-offset order
     * @param sense  the sense data of a CHECK CONDITION (empty otherwise)
     */
    public record CommandOutcome(int status, byte[] data, byte[] sense) {

        /** The sense key: fixed format (SPC-4 §4.5.3) byte 2, descriptor format (§4.5.2) byte 1; -1 without sense. */
        public int senseKey() {
            if (sense.length < 3) {
                return -1;
            }
            return (isDescriptorFormat() ? sense[1] : sense[2]) & 0x0f;
        }

        /** ADDITIONAL SENSE CODE and QUALIFIER as {@code 0xAAQQ}; -1 without sense. */
        public int additionalSense() {
            int ascIndex = isDescriptorFormat() ? 2 : 12;
            if (sense.length < ascIndex + 2) {
                return -1;
            }
            return (sense[ascIndex] & 0xff) << 8 | sense[ascIndex + 1] & 0xff;
        }

        /** READ CAPACITY (16) parameter data (SBC-3 §5.16.2): (RETURNED LOGICAL BLOCK ADDRESS + 1) * LOGICAL BLOCK LENGTH. */
        public long capacityBytes() {
            if (data.length < 12) {
                throw new IllegalStateException("no READ CAPACITY (16) data: " + data.length + " bytes");
            }
            ByteBuffer view = ByteBuffer.wrap(data);
            return (view.getLong(0) + 1) * (view.getInt(8) & 0xffffffffL);
        }

        private boolean isDescriptorFormat() {
            int responseCode = sense.length == 0 ? 0 : sense[0] & 0x7f;
            return responseCode == 0x72 || responseCode == 0x73;
        }

        @Override
        public String toString() {
            return String.format("status 0x%02x, sense key %d, ASC/ASCQ %04x, %d data bytes",
                    status, senseKey(), additionalSense(), data.length);
        }
    }
}

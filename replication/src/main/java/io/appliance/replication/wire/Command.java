package io.appliance.replication.wire;

/**
 * The commands of the replication protocol, each with its stable wire code (the u16 in the
 * frame header; never renumber a command) and the largest payload it may carry. Commands that
 * carry block data ({@link #carriesData()}) may carry up to the decoder's {@code maxDataBytes}
 * after their fixed fields.
 */
public enum Command {
    HELLO(0x0001, 4 + 4 + Command.STRING + Command.STRING + 8),
    AUTH_CHALLENGE(0x0002, 1 + WireFormat.MAX_CHALLENGE_BYTES),
    AUTH_RESPONSE(0x0003, 1 + WireFormat.MAX_DIGEST_BYTES),
    REFUSED(0x0004, 1 + Command.STRING),
    PARAMS(0x0005, 4 + Command.STRING + Command.STRING + 1),
    SIZES(0x0006, 8 + 8 + 4),
    UUIDS(0x0007, 4 * 8 + 8 + 4),
    STATE(0x0008, 1 + 1 + 1 + 8),
    BITMAP_CHUNK(0x0009, 8 + 4 + 8 * WireFormat.MAX_BITMAP_WORDS),
    BITMAP_DONE(0x000A, 0),
    SYNC_START(0x000B, 1 + 1),
    DATA(0x0010, 8 + 8 + 1, true),
    DISCARD(0x0011, 8 + 8 + 8),
    FLUSH(0x0012, 8),
    FLUSH_ACK(0x0013, 8),
    RECV_ACK(0x0014, 8),
    WRITE_ACK(0x0015, 8),
    NEG_ACK(0x0016, 8 + Command.STRING),
    READ_REQUEST(0x0020, 8 + 8 + 4),
    READ_REPLY(0x0021, 8, true),
    NEG_READ_REPLY(0x0022, 8 + Command.STRING),
    RESYNC_REQUEST(0x0030, 8 + 8 + 4),
    CSUM_RESYNC_REQUEST(0x0031, 8 + 8 + 4 + 1 + WireFormat.MAX_DIGEST_BYTES),
    RESYNC_DATA(0x0032, 8 + 8, true),
    RESYNC_IN_SYNC(0x0033, 8 + 8 + 4),
    RESYNC_NEG_REPLY(0x0034, 8 + 8 + 4 + Command.STRING),
    RESYNC_FINISHED(0x0035, 4 * 8),
    VERIFY_REQUEST(0x0040, 8 + 8 + 4 + 1 + WireFormat.MAX_DIGEST_BYTES),
    VERIFY_REPLY(0x0041, 8 + 8 + 4 + 1),
    VERIFY_DONE(0x0042, 8),
    PING(0x0050, 0),
    PING_ACK(0x0051, 0),
    PEER_MESSAGE(0x0060, 8 + 2 + WireFormat.MAX_PEER_CHANNEL_CHARS + 4 + WireFormat.MAX_PEER_MESSAGE_BYTES),
    PEER_MESSAGE_REPLY(0x0061, 8 + 1 + Command.STRING);

    /** u16 length + the longest string. */
    private static final int STRING = 2 + WireFormat.MAX_STRING_BYTES;

    private static final Command[] BY_CODE = new Command[0x100];

    static {
        for (Command command : values()) {
            if (BY_CODE[command.code] != null) {
                throw new ExceptionInInitializerError("duplicate command code " + command.code);
            }
            BY_CODE[command.code] = command;
        }
    }

    private final int code;
    private final int maxFieldBytes;
    private final boolean carriesData;

    Command(int code, int maxFieldBytes) {
        this(code, maxFieldBytes, false);
    }

    Command(int code, int maxFieldBytes, boolean carriesData) {
        this.code = code;
        this.maxFieldBytes = maxFieldBytes;
        this.carriesData = carriesData;
    }

    /** The u16 in the frame header. */
    public int code() {
        return code;
    }

    /** True for DATA, READ_REPLY and RESYNC_DATA: block data follows the fixed fields. */
    public boolean carriesData() {
        return carriesData;
    }

    /** The fields before the data (for data commands) or the largest whole payload (others). */
    public int maxFieldBytes() {
        return maxFieldBytes;
    }

    /** The largest payload this command may carry when block data is limited to {@code maxDataBytes}. */
    public long maxPayloadBytes(long maxDataBytes) {
        return carriesData ? maxFieldBytes + maxDataBytes : maxFieldBytes;
    }

    /** The command with this wire code, or null for a code no command has. */
    public static Command fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}

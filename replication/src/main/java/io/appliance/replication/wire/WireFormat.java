package io.appliance.replication.wire;

/**
 * Constants of the replication wire format (design §4). Every frame is
 * <pre>
 *   u32 magic 0x41505231 ("APR1") | u16 command | u16 reserved (0) | u32 payload length | payload
 * </pre>
 * All integers are big-endian. Strings are a u16 byte length and UTF-8 bytes, at most
 * {@value #MAX_STRING_BYTES} bytes. Enums travel as their ordinal in a u8, booleans as a u8 0 or 1.
 */
public final class WireFormat {

    /** "APR1". */
    public static final int MAGIC = 0x41505231;

    /**
     * The highest protocol version this code speaks; {@code Hello} offers the range
     * [{@link #MIN_PROTOCOL_VERSION}, {@code PROTOCOL_VERSION}] and both sides use the highest common one.
     * Version 2 added the application messages ({@code PEER_MESSAGE}, {@code PEER_MESSAGE_REPLY}).
     */
    public static final int PROTOCOL_VERSION = 2;

    /** The lowest protocol version this code speaks: a version-1 peer connects but takes no application messages. */
    public static final int MIN_PROTOCOL_VERSION = 1;

    /** The first protocol version whose peers understand {@code PEER_MESSAGE}; never send one to an older peer. */
    public static final int PEER_MESSAGES_VERSION = 2;

    /** The largest application message payload ({@code PEER_MESSAGE}). */
    public static final int MAX_PEER_MESSAGE_BYTES = 1024 * 1024;

    /** The longest application message channel name, in ASCII characters. */
    public static final int MAX_PEER_CHANNEL_CHARS = 64;

    /** magic + command + reserved + payload length. */
    public static final int HEADER_BYTES = 12;

    /** The longest UTF-8 string field. */
    public static final int MAX_STRING_BYTES = 255;

    /** Data lengths, offsets and I/O lengths are multiples of this sector size. */
    public static final int SECTOR_BYTES = 512;

    /** The longest digest field (a SHA-512 would fit; the algorithms we use are at most 32 bytes). */
    public static final int MAX_DIGEST_BYTES = 64;

    /** The most bitmap words one {@code BitmapChunk} carries (64 KiB of bitmap). */
    public static final int MAX_BITMAP_WORDS = 8192;

    /** Auth challenge bounds. */
    public static final int MIN_CHALLENGE_BYTES = 16;
    public static final int MAX_CHALLENGE_BYTES = 64;

    /** The largest data payload a decoder may be configured for. */
    public static final int MAX_DATA_BYTES_LIMIT = 128 * 1024 * 1024;

    private WireFormat() {
    }
}

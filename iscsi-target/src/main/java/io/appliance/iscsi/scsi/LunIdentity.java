package io.appliance.iscsi.scsi;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/**
 * Identity of a logical unit as INQUIRY reports it. It must be the same on every node that
 * presents the unit (multipath and failover initiators match paths by it), so it is derived from
 * configuration, never from the host.
 *
 * @param vendorId         T10 vendor identification, at most 8 printable ASCII characters
 * @param productId        product identification, at most 16 printable ASCII characters
 * @param productRevision  product revision level, at most 4 printable ASCII characters
 * @param unitSerialNumber VPD page 80h, 1 to 32 printable ASCII characters
 * @param naaIdentifier    16 bytes, an NAA IEEE Registered Extended designator (NAA 6, SPC-4
 *                         §7.8.6.6.5), reported in VPD page 83h
 */
public record LunIdentity(String vendorId, String productId, String productRevision, String unitSerialNumber,
        byte[] naaIdentifier) {

    /** Vendor identification of the units this appliance presents. */
    public static final String DEFAULT_VENDOR_ID = "APPLIANC";
    public static final String DEFAULT_PRODUCT_ID = "HA iSCSI Disk";
    public static final String DEFAULT_PRODUCT_REVISION = "0001";
    /**
     * The IEEE company ID placed in derived NAA designators. A fixed value of this product; a
     * vendor shipping the appliance replaces it with its own registered OUI.
     */
    public static final int COMPANY_ID = 0x0A_9C_1E;

    public LunIdentity {
        checkAscii("vendorId", vendorId, 1, 8);
        checkAscii("productId", productId, 1, 16);
        checkAscii("productRevision", productRevision, 1, 4);
        checkAscii("unitSerialNumber", unitSerialNumber, 1, 32);
        Objects.requireNonNull(naaIdentifier, "naaIdentifier");
        if (naaIdentifier.length != 16 || (naaIdentifier[0] & 0xF0) != 0x60) {
            throw new IllegalArgumentException("naaIdentifier must be 16 bytes starting with NAA 6");
        }
        naaIdentifier = naaIdentifier.clone();
    }

    /**
     * Derives the identity from the stable UUID a LUN is given in configuration: the serial number
     * is the UUID's 32 hex digits; the NAA 6 designator is {@link #COMPANY_ID} followed by 100 of the
     * UUID's bits (the 60 random bits of its high half without the version nibble, then the low 40
     * bits of its low half). Deterministic: the same UUID gives the same identity everywhere.
     */
    public static LunIdentity derive(UUID lunUuid) {
        Objects.requireNonNull(lunUuid, "lunUuid");
        long msb = lunUuid.getMostSignificantBits();
        long lsb = lunUuid.getLeastSignificantBits();
        long msbRandom60 = ((msb >>> 16) << 12) | (msb & 0xFFFL);
        // SPC-4 Table 481: NAA (4 bits) | IEEE company ID (24) | vendor specific id (36) | extension (64)
        long high = (6L << 60) | ((long) COMPANY_ID << 36) | (msbRandom60 >>> 24);
        long low = ((msbRandom60 & 0xFF_FFFFL) << 40) | (lsb & 0xFF_FFFF_FFFFL);
        byte[] naa = ByteBuffer.allocate(16).putLong(high).putLong(low).array();
        String serial = HexFormat.of().formatHex(ByteBuffer.allocate(16).putLong(msb).putLong(lsb).array());
        return new LunIdentity(DEFAULT_VENDOR_ID, DEFAULT_PRODUCT_ID, DEFAULT_PRODUCT_REVISION, serial, naa);
    }

    /** A copy of the 16-byte NAA designator. */
    @Override
    public byte[] naaIdentifier() {
        return naaIdentifier.clone();
    }

    /** The NAA designator as 32 lower-case hex digits (how Linux shows it in /dev/disk/by-id/wwn-0x...). */
    public String naaHex() {
        return HexFormat.of().formatHex(naaIdentifier);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LunIdentity other
                && vendorId.equals(other.vendorId)
                && productId.equals(other.productId)
                && productRevision.equals(other.productRevision)
                && unitSerialNumber.equals(other.unitSerialNumber)
                && Arrays.equals(naaIdentifier, other.naaIdentifier);
    }

    @Override
    public int hashCode() {
        return Objects.hash(vendorId, productId, productRevision, unitSerialNumber, Arrays.hashCode(naaIdentifier));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "LunIdentity[%s %s %s serial=%s naa=%s]",
                vendorId, productId, productRevision, unitSerialNumber, naaHex());
    }

    private static void checkAscii(String field, String value, int min, int max) {
        Objects.requireNonNull(value, field);
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length < min || bytes.length > max) {
            throw new IllegalArgumentException(field + " must be " + min + " to " + max + " ASCII characters: " + value);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                throw new IllegalArgumentException(field + " must be printable ASCII: " + value);
            }
        }
    }
}

package io.appliance.itest;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the text that libiscsi's command-line tools print. */
final class InitiatorOutput {

    private static final Pattern LUN_LINE = Pattern.compile("^Lun:(\\d+)\\s+Type:(\\S+)(?: \\(Size:(\\S+)\\))?.*$", Pattern.MULTILINE);
    private static final Pattern TOTAL_SIZE = Pattern.compile("^Total size:(\\d+)$", Pattern.MULTILINE);
    private static final Pattern BLOCK_LENGTH = Pattern.compile("^LOGICAL BLOCK LENGTH IN BYTES:(\\d+)$", Pattern.MULTILINE);

    private InitiatorOutput() {
    }

    /**
     * One {@code Lun:N Type:T (Size:S)} line of {@code iscsi-ls -s}.
     *
     * @param lun  the LUN number
     * @param type the peripheral device type name, such as {@code DIRECT_ACCESS}
     * @param size the size text, such as {@code 63M}; empty for non-disk LUNs
     */
    record ListedLun(int lun, String type, String size) {
    }

    static List<ListedLun> listedLuns(String isciLsOutput) {
        List<ListedLun> luns = new ArrayList<>();
        Matcher matcher = LUN_LINE.matcher(isciLsOutput);
        while (matcher.find()) {
            luns.add(new ListedLun(Integer.parseInt(matcher.group(1)), matcher.group(2),
                    matcher.group(3) == null ? "" : matcher.group(3)));
        }
        return luns;
    }

    /** {@code Total size:N} of {@code iscsi-readcapacity16}. */
    static OptionalLong totalSize(String readCapacityOutput) {
        Matcher matcher = TOTAL_SIZE.matcher(readCapacityOutput);
        return matcher.find() ? OptionalLong.of(Long.parseLong(matcher.group(1))) : OptionalLong.empty();
    }

    /** {@code LOGICAL BLOCK LENGTH IN BYTES:N} of {@code iscsi-readcapacity16}. */
    static OptionalLong blockLength(String readCapacityOutput) {
        Matcher matcher = BLOCK_LENGTH.matcher(readCapacityOutput);
        return matcher.find() ? OptionalLong.of(Long.parseLong(matcher.group(1))) : OptionalLong.empty();
    }

    /**
     * The size text {@code iscsi-ls} prints for a disk: it multiplies READ CAPACITY(10)'s block
     * length by the returned (last) LBA, then divides by 1024 while the value exceeds 1024, at most
     * four times, and appends ' ', k, M, G or T.
     */
    static String isciLsSizeText(long capacityBytes, long blockLength) {
        long lastLba = capacityBytes / blockLength - 1;
        long size = blockLength * lastLba;
        char[] units = {' ', 'k', 'M', 'G', 'T'};
        int unit = 0;
        while (unit < 4 && size > 1024) {
            size /= 1024;
            unit++;
        }
        return Long.toString(size) + units[unit];
    }
}

package io.appliance.iscsi.login;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The target's own limits and preferences, offered and enforced in login negotiation. Ranges are
 * those of RFC 7143 §13; impossible combinations are rejected here, at start-up.
 *
 * @param maxRecvDataSegmentLength bytes; the largest data segment we accept (declared by us,
 *                                 §13.12), 512..16777215
 * @param maxBurstLength           bytes; our ceiling for MaxBurstLength (result: minimum, §13.13),
 *                                 512..16777215
 * @param firstBurstLength         bytes; our ceiling for FirstBurstLength (result: minimum,
 *                                 §13.14), 512..16777215 and at most {@code maxBurstLength}
 * @param maxOutstandingR2T        R2Ts per task; our ceiling (result: minimum, §13.17), 1..65535
 * @param immediateData            whether we accept immediate data (result: AND, §13.11)
 * @param initialR2T               whether we require an R2T before unsolicited data (result: OR,
 *                                 §13.10); false lets the initiator choose
 * @param maxConnections           connections per session; our ceiling (result: minimum, §13.2),
 *                                 1..65535
 * @param defaultTime2Wait         seconds; our floor (result: maximum, §13.15), 0..3600
 * @param defaultTime2Retain       seconds; our ceiling (result: minimum, §13.16), 0..3600
 * @param errorRecoveryLevel       our ceiling (result: minimum, §13.20), 0..2
 * @param headerDigests            digests we accept on headers, each "None" or "CRC32C"; the
 *                                 initiator's first acceptable one is chosen (§13.1)
 * @param dataDigests              same for data segments
 */
public record TargetLimits(int maxRecvDataSegmentLength, int maxBurstLength, int firstBurstLength,
        int maxOutstandingR2T, boolean immediateData, boolean initialR2T, int maxConnections,
        int defaultTime2Wait, int defaultTime2Retain, int errorRecoveryLevel,
        List<String> headerDigests, List<String> dataDigests) {

    /** The largest 24-bit length, RFC 7143 §13.12-13.14. */
    static final int MAX_LENGTH = 0xFFFFFF;
    static final int MIN_LENGTH = 512;
    static final String DIGEST_NONE = "None";
    static final String DIGEST_CRC32C = "CRC32C";

    public TargetLimits {
        checkRange("maxRecvDataSegmentLength", maxRecvDataSegmentLength, MIN_LENGTH, MAX_LENGTH);
        checkRange("maxBurstLength", maxBurstLength, MIN_LENGTH, MAX_LENGTH);
        checkRange("firstBurstLength", firstBurstLength, MIN_LENGTH, MAX_LENGTH);
        if (firstBurstLength > maxBurstLength) {
            throw new IllegalArgumentException("firstBurstLength " + firstBurstLength
                    + " exceeds maxBurstLength " + maxBurstLength + " (RFC 7143 §13.14)");
        }
        checkRange("maxOutstandingR2T", maxOutstandingR2T, 1, 65535);
        checkRange("maxConnections", maxConnections, 1, 65535);
        checkRange("defaultTime2Wait", defaultTime2Wait, 0, 3600);
        checkRange("defaultTime2Retain", defaultTime2Retain, 0, 3600);
        checkRange("errorRecoveryLevel", errorRecoveryLevel, 0, 2);
        // §13.19: with ERL > 0 and DataSequenceInOrder=Yes (which we always use) MaxOutstandingR2T must be 1
        if (errorRecoveryLevel > 0 && maxOutstandingR2T != 1) {
            throw new IllegalArgumentException("errorRecoveryLevel " + errorRecoveryLevel
                    + " needs maxOutstandingR2T 1 (RFC 7143 §13.19), not " + maxOutstandingR2T);
        }
        headerDigests = checkDigests("headerDigests", headerDigests);
        dataDigests = checkDigests("dataDigests", dataDigests);
    }

    /**
     * 256 KiB receive segments, 1 MiB bursts, 256 KiB first burst, 16 outstanding R2Ts, immediate
     * data on, InitialR2T left to the initiator, one connection per session, ERL 0 with
     * DefaultTime2Wait 2 s and DefaultTime2Retain 0 s, either digest accepted.
     */
    public static TargetLimits defaults() {
        return new TargetLimits(262144, 1048576, 262144, 16, true, false, 1, 2, 0, 0,
                List.of(DIGEST_NONE, DIGEST_CRC32C), List.of(DIGEST_NONE, DIGEST_CRC32C));
    }

    private static void checkRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be " + min + ".." + max + ": " + value);
        }
    }

    private static List<String> checkDigests(String name, List<String> digests) {
        List<String> copy = List.copyOf(digests);
        if (copy.isEmpty()) {
            throw new IllegalArgumentException(name + " must list at least one of None, CRC32C");
        }
        Set<String> seen = new HashSet<>();
        for (String digest : copy) {
            if (!digest.equals(DIGEST_NONE) && !digest.equals(DIGEST_CRC32C)) {
                throw new IllegalArgumentException(name + ": unknown digest " + digest + " (None, CRC32C)");
            }
            if (!seen.add(digest)) {
                throw new IllegalArgumentException(name + ": " + digest + " listed twice");
            }
        }
        return copy;
    }
}

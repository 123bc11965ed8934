package io.appliance.iscsi.login;

/**
 * The operational parameters of a session and connection after login, for the session and
 * connection layers to apply. Lengths are in bytes, times in seconds (as on the wire, §13).
 *
 * @param headerDigest                      CRC32C on PDU headers
 * @param dataDigest                        CRC32C on data segments
 * @param targetMaxRecvDataSegmentLength    what WE declared: the largest data segment the
 *                                          initiator may send us
 * @param initiatorMaxRecvDataSegmentLength what the INITIATOR declared (8192 if it did not): the
 *                                          largest data segment we may send
 * @param maxBurstLength                    §13.13
 * @param firstBurstLength                  §13.14 (irrelevant when initialR2T and not immediateData)
 * @param initialR2T                        §13.10
 * @param immediateData                     §13.11
 * @param maxOutstandingR2T                 §13.17
 * @param dataPduInOrder                    §13.18
 * @param dataSequenceInOrder               §13.19
 * @param errorRecoveryLevel                §13.20
 * @param defaultTime2Wait                  §13.15
 * @param defaultTime2Retain                §13.16
 * @param maxConnections                    §13.2
 */
public record NegotiatedParameters(
        boolean headerDigest, boolean dataDigest,
        int targetMaxRecvDataSegmentLength,
        int initiatorMaxRecvDataSegmentLength,
        int maxBurstLength, int firstBurstLength, boolean initialR2T, boolean immediateData,
        int maxOutstandingR2T, boolean dataPduInOrder, boolean dataSequenceInOrder,
        int errorRecoveryLevel, int defaultTime2Wait, int defaultTime2Retain, int maxConnections) {

    /** RFC 7143 §13 defaults for every key, in force before and without negotiation. */
    public static NegotiatedParameters rfcDefaults() {
        return new NegotiatedParameters(false, false, 8192, 8192, 262144, 65536, true, true,
                1, true, true, 0, 2, 20, 1);
    }
}

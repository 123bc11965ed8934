package io.appliance.iscsi.login;

import java.util.Set;

/** Names of the keys handled outside the operational table, grouped as RFC 7143 §12-13 uses them. */
final class LoginKeys {

    static final String AUTH_METHOD = "AuthMethod";
    static final String INITIATOR_NAME = "InitiatorName";
    static final String TARGET_NAME = "TargetName";
    static final String SESSION_TYPE = "SessionType";
    static final String INITIATOR_ALIAS = "InitiatorAlias";
    static final String TARGET_ALIAS = "TargetAlias";
    static final String TARGET_ADDRESS = "TargetAddress";
    static final String TARGET_PORTAL_GROUP_TAG = "TargetPortalGroupTag";
    static final String SEND_TARGETS = "SendTargets";
    static final String MAX_RECV_DATA_SEGMENT_LENGTH = "MaxRecvDataSegmentLength";

    /** §12: the keys of the SecurityNegotiation stage we implement (AuthMethod and CHAP). */
    static final Set<String> SECURITY = Set.of(AUTH_METHOD, ChapAuthenticator.CHAP_A, ChapAuthenticator.CHAP_I,
            ChapAuthenticator.CHAP_C, ChapAuthenticator.CHAP_N, ChapAuthenticator.CHAP_R);

    /** §13: declarations an initiator makes; "Any-Stage", allowed in both login stages. */
    static final Set<String> INITIATOR_DECLARATIONS = Set.of(INITIATOR_NAME, TARGET_NAME, SESSION_TYPE, INITIATOR_ALIAS);

    /** §13.6, §13.8, §13.9: keys only a target sends; an initiator sending one breaks the protocol. */
    static final Set<String> TARGET_DECLARATIONS = Set.of(TARGET_ALIAS, TARGET_ADDRESS, TARGET_PORTAL_GROUP_TAG);

    /** §6.1: most values are at most 255 bytes; CHAP binary values have their own bound. */
    static final int MAX_TEXT_VALUE_BYTES = 255;

    /** RFC 3720 §3.2.6.1 (kept by RFC 7143 §4.2.7): an iSCSI name is at most 223 bytes. */
    static final int MAX_ISCSI_NAME_BYTES = 223;

    private LoginKeys() {
    }
}

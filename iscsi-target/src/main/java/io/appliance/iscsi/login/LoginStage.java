package io.appliance.iscsi.login;

/** Login stages: the CSG and NSG field values of RFC 7143 §11.12.3 (2 is reserved). */
public enum LoginStage {
    SECURITY_NEGOTIATION(0),
    LOGIN_OPERATIONAL_NEGOTIATION(1),
    FULL_FEATURE_PHASE(3);

    private final int code;

    LoginStage(int code) {
        this.code = code;
    }

    /** The two-bit wire value. */
    public int code() {
        return code;
    }

    /**
     * @throws IllegalArgumentException for the reserved value 2 or anything outside 0..3
     */
    public static LoginStage fromCode(int code) {
        for (LoginStage stage : values()) {
            if (stage.code == code) {
                return stage;
            }
        }
        throw new IllegalArgumentException("not a login stage: " + code);
    }
}

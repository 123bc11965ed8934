package io.appliance.cluster.agent;

/**
 * The outcome of a resource agent operation, with the OCF return codes that Pacemaker shows
 * ({@code 'not running' (7)}), so that admins read failures in the words they know. {@link #TIMEOUT}
 * is not an agent's answer: the local resource manager records it when an operation outlives its timeout.
 */
public enum OcfStatus {
    OK(0, "ok"),
    ERR_GENERIC(1, "error"),
    ERR_ARGS(2, "invalid parameter"),
    ERR_UNIMPLEMENTED(3, "unimplemented feature"),
    ERR_PERM(4, "insufficient privileges"),
    ERR_INSTALLED(5, "not installed"),
    ERR_CONFIGURED(6, "not configured"),
    NOT_RUNNING(7, "not running"),
    TIMEOUT(-2, "Timed Out");

    private final int code;
    private final String text;

    OcfStatus(int code, String text) {
        this.code = code;
        this.text = text;
    }

    /** The OCF exit code (or -2 for a timeout, as Pacemaker's PCMK_OCF_TIMEOUT). */
    public int code() {
        return code;
    }

    /** The words crm_mon prints for the code. */
    public String text() {
        return text;
    }
}

package io.appliance.iscsi.login;

/** Login Response status class and detail, RFC 7143 §11.13.5. */
public enum LoginStatus {
    SUCCESS(0, 0),
    TARGET_MOVED_TEMPORARILY(1, 1),
    TARGET_MOVED_PERMANENTLY(1, 2),
    INITIATOR_ERROR(2, 0),
    AUTHENTICATION_FAILURE(2, 1),
    AUTHORIZATION_FAILURE(2, 2),
    NOT_FOUND(2, 3),
    TARGET_REMOVED(2, 4),
    UNSUPPORTED_VERSION(2, 5),
    TOO_MANY_CONNECTIONS(2, 6),
    MISSING_PARAMETER(2, 7),
    CANT_INCLUDE_IN_SESSION(2, 8),
    SESSION_TYPE_NOT_SUPPORTED(2, 9),
    SESSION_DOES_NOT_EXIST(2, 10),
    INVALID_DURING_LOGIN(2, 11),
    TARGET_ERROR(3, 0),
    SERVICE_UNAVAILABLE(3, 1),
    OUT_OF_RESOURCES(3, 2);

    private final int statusClass;
    private final int statusDetail;

    LoginStatus(int statusClass, int statusDetail) {
        this.statusClass = statusClass;
        this.statusDetail = statusDetail;
    }

    /** Status-Class byte: 0 success, 1 redirection, 2 initiator error, 3 target error. */
    public int statusClass() {
        return statusClass;
    }

    /** Status-Detail byte. */
    public int statusDetail() {
        return statusDetail;
    }

    public boolean isSuccess() {
        return this == SUCCESS;
    }
}

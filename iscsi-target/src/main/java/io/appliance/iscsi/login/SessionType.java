package io.appliance.iscsi.login;

/** The SessionType key's values (RFC 7143 §13.21). */
public enum SessionType {
    DISCOVERY,
    NORMAL
}

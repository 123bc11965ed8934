package io.appliance.replication.wire;

/** The peer authentication cannot go on: a reflected challenge, or an unusable challenge. */
public final class AuthenticationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AuthenticationException(String message) {
        super(message);
    }
}

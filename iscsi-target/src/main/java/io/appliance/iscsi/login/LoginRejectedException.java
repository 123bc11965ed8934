package io.appliance.iscsi.login;

import java.util.Objects;

/**
 * Ends a login with a non-success Login Response status (RFC 7143 §11.13.5). Thrown anywhere
 * inside the negotiation and turned into a {@link LoginStep} in exactly one place,
 * {@link LoginNegotiator#step}. The message is for the log only: it never reaches the wire and
 * never contains a secret.
 */
final class LoginRejectedException extends Exception {

    private final LoginStatus status;

    LoginRejectedException(LoginStatus status, String reason) {
        super(reason, null, false, false);
        this.status = Objects.requireNonNull(status, "status");
        if (status.isSuccess()) {
            throw new IllegalArgumentException("a rejection needs a failure status");
        }
    }

    LoginStatus status() {
        return status;
    }
}

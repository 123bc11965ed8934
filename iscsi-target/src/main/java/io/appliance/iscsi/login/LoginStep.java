package io.appliance.iscsi.login;

import java.util.List;
import java.util.Objects;

/**
 * The target's answer to one complete Login Request.
 *
 * @param responseKeys keys for the Login Response data segment, in order
 * @param status       anything but {@link LoginStatus#SUCCESS} ends the login: the caller sends a
 *                     Login Response with this status (and these keys, usually none) and closes
 * @param transit      the T bit of the response
 * @param nextStage    the NSG of the response (meaningful only when {@code transit})
 */
public record LoginStep(List<TextParameter> responseKeys, LoginStatus status, boolean transit, LoginStage nextStage) {

    public LoginStep {
        responseKeys = List.copyOf(responseKeys);
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(nextStage, "nextStage");
    }
}

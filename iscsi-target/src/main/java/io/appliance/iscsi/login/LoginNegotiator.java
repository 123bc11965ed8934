package io.appliance.iscsi.login;

import io.appliance.iscsi.target.AccessControlEntry;
import io.appliance.iscsi.target.ChapCredentials;
import io.appliance.iscsi.target.IscsiTarget;
import io.appliance.iscsi.target.TargetRegistry;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the key exchange of one connection's login phase (RFC 7143 §6.2, §6.3, §12, §13).
 * Not thread safe: one per connection, used from that connection's event loop.
 *
 * <p>Contract for the caller (the connection's login handler):
 * <ul>
 *   <li>call {@link #step} once per complete Login Request (C-bit continuations already joined),
 *       with the request's CSG, NSG, T bit and decoded keys;</li>
 *   <li>a step whose status is not {@link LoginStatus#SUCCESS} ends the login: send a Login
 *       Response with that status and close the connection; later calls keep failing with
 *       {@link LoginStatus#INITIATOR_ERROR};</li>
 *   <li>a step never throws: malformed or hostile input yields a failure status, an internal
 *       fault yields {@link LoginStatus#TARGET_ERROR};</li>
 *   <li>once {@link #complete()} is true the connection enters the full feature phase with
 *       {@link #negotiated()}; for a connection added to an existing session
 *       ({@code leadingConnection == false}) only the connection-scoped values of
 *       {@link #negotiated()} (digests and both MaxRecvDataSegmentLength values) are meaningful,
 *       the session-wide ones belong to the session's leading login.</li>
 * </ul>
 *
 * <p>Decisions taken here: the target never offers a negotiable key of its own (it only answers),
 * so it can always transit when the initiator asks, except while a CHAP exchange still needs the
 * initiator's next message. Every key may be sent once per login (§6.3), with one tolerance:
 * the names (InitiatorName, TargetName, SessionType, InitiatorAlias) may be repeated with the
 * value they already have, because libiscsi (QEMU, iscsi-test-cu) re-sends them when it enters
 * the operational stage after CHAP; a repeated name with another value is an INITIATOR_ERROR.
 * InitiatorName, TargetName and SessionType are declared in the first request. A key of the wrong stage, a
 * key only a target may send, and an answer constant (Reject, Irrelevant, NotUnderstood) offered
 * as a value are protocol errors (INITIATOR_ERROR); an unacceptable value of a known key is
 * answered Reject (§6.2), except an out-of-range MaxRecvDataSegmentLength declaration, which is
 * an INITIATOR_ERROR (the key also carries our own declaration); unknown and X-/X# keys are
 * answered NotUnderstood. SessionType values other than Discovery and Normal end the login with
 * SESSION_TYPE_NOT_SUPPORTED (0x0209).
 */
public final class LoginNegotiator {

    private static final Logger LOG = LoggerFactory.getLogger(LoginNegotiator.class);
    private static final String AUTH_CHAP = "CHAP";
    private static final String SESSION_TYPE_DISCOVERY = "Discovery";
    private static final String SESSION_TYPE_NORMAL = "Normal";

    private final TargetRegistry registry;
    private final TargetLimits limits;
    private final SecureRandom random;
    private final Set<String> keysSeen = new HashSet<>();

    private LoginStage expectedStage;
    private boolean failed;
    private boolean complete;
    private boolean leadingConnection;
    private SessionType sessionType = SessionType.NORMAL;
    private String initiatorName;
    private String initiatorAlias;
    private String declaredTargetName;
    private IscsiTarget target;
    private AccessControlEntry access;
    private Optional<ChapCredentials> requiredChap = Optional.empty();
    private Optional<ChapCredentials> mutualChap = Optional.empty();
    private ChapAuthenticator chap;
    private OperationalNegotiation operational;
    private NegotiatedParameters negotiated = NegotiatedParameters.rfcDefaults();

    public LoginNegotiator(TargetRegistry registry, TargetLimits limits, SecureRandom random) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Processes the keys of one complete login request (all C-bit continuation PDUs already joined).
     *
     * @param currentStage      CSG of the request
     * @param nextStage         NSG of the request (meaningful only with {@code transit})
     * @param transit           the T bit
     * @param keys              the request's keys, in order
     * @param leadingConnection true when the request's TSIH is 0 (a new session); false when it
     *                          adds a connection to an existing session (then leading-only keys
     *                          are answered Irrelevant, §13). Taken from the first request.
     * @return the keys to send back; the status (anything but SUCCESS ends the login: the caller
     *         sends a Login Response with that status and closes); whether the target agrees to
     *         transit (T bit in the response) and the NSG to put in the response
     */
    public LoginStep step(LoginStage currentStage, LoginStage nextStage, boolean transit,
                          List<TextParameter> keys, boolean leadingConnection) {
        try {
            return process(currentStage, nextStage, transit, keys, leadingConnection);
        } catch (LoginRejectedException rejected) {
            failed = true;
            // the caller reports the status; the reason is detail for debugging an initiator
            LOG.debug("login of {} rejected with {}: {}", initiatorName, rejected.status(), rejected.getMessage());
            return new LoginStep(List.of(), rejected.status(), false, stageOrSecurity(currentStage));
        } catch (RuntimeException fault) {
            failed = true;
            LOG.warn("login of {} failed on an internal error", initiatorName, fault);
            return new LoginStep(List.of(), LoginStatus.TARGET_ERROR, false, stageOrSecurity(currentStage));
        }
    }

    /** DISCOVERY or NORMAL once the first request was processed; NORMAL before (the default, §13.21). */
    public SessionType sessionType() {
        return sessionType;
    }

    /** The InitiatorName of the first request; null before it was sent. */
    public String initiatorName() {
        return initiatorName;
    }

    /** The InitiatorAlias, if the initiator declared one; else null. */
    public String initiatorAlias() {
        return initiatorAlias;
    }

    /** The target of a NORMAL session once the initiator was admitted to it. */
    public Optional<IscsiTarget> target() {
        return Optional.ofNullable(target);
    }

    /** The ACL entry that admitted the initiator to {@link #target()}. */
    public Optional<AccessControlEntry> access() {
        return Optional.ofNullable(access);
    }

    /** True once a response transited to the full feature phase. */
    public boolean complete() {
        return complete;
    }

    /** The values the connection and session apply; the RFC defaults until {@link #complete()}. */
    public NegotiatedParameters negotiated() {
        return negotiated;
    }

    private LoginStep process(LoginStage currentStage, LoginStage nextStage, boolean transit,
                              List<TextParameter> keys, boolean leading) throws LoginRejectedException {
        Objects.requireNonNull(currentStage, "currentStage");
        Objects.requireNonNull(keys, "keys");
        if (failed || complete) {
            throw initiatorError("login request after the login ended");
        }
        boolean firstRequest = expectedStage == null;
        checkStages(currentStage, nextStage, transit, firstRequest);
        checkKeys(keys, firstRequest);
        if (firstRequest) {
            this.leadingConnection = leading;
            admit(keys);
            if (currentStage == LoginStage.LOGIN_OPERATIONAL_NEGOTIATION && requiredChap.isPresent()) {
                // §6.3.1: a target that requires security answers a login skipping it with Authentication Failure
                throw new LoginRejectedException(LoginStatus.AUTHENTICATION_FAILURE,
                        "authentication is required but the login started in the operational stage");
            }
        }

        Map<String, String> securityKeys = new HashMap<>();
        List<TextParameter> operationalKeys = new ArrayList<>();
        List<TextParameter> notUnderstood = new ArrayList<>();
        for (TextParameter key : keys) {
            classify(key, currentStage, firstRequest, securityKeys, operationalKeys, notUnderstood);
        }

        List<TextParameter> response = new ArrayList<>();
        boolean transitGranted;
        if (currentStage == LoginStage.SECURITY_NEGOTIATION) {
            response.addAll(negotiateSecurity(securityKeys));
            transitGranted = securityTransit(transit);
        } else {
            response.addAll(operational.answer(operationalKeys));
            transitGranted = transit;
        }
        response.addAll(notUnderstood);
        if (firstRequest && target != null) {
            // §13.9: TargetPortalGroupTag in the first response when TargetName was given
            response.add(new TextParameter(LoginKeys.TARGET_PORTAL_GROUP_TAG, Integer.toString(target.portalGroupTag())));
            if (!target.alias().isEmpty()) {
                // §13.6: TargetAlias SHOULD be sent to a normal session
                response.add(new TextParameter(LoginKeys.TARGET_ALIAS, target.alias()));
            }
        }
        if (currentStage == LoginStage.LOGIN_OPERATIONAL_NEGOTIATION) {
            // §13.12: MaxRecvDataSegmentLength is declarative and not Any-Stage: declared once, here
            operational.targetDeclaration().ifPresent(response::add);
        }

        LoginStage responseStage = transitGranted ? nextStage : currentStage;
        if (transitGranted && nextStage == LoginStage.FULL_FEATURE_PHASE) {
            negotiated = operational.result();
            complete = true;
        }
        expectedStage = responseStage;
        return new LoginStep(response, LoginStatus.SUCCESS, transitGranted, responseStage);
    }

    // §6.3 stage transition table: Security -> Operational | FullFeature, Operational -> FullFeature
    private void checkStages(LoginStage currentStage, LoginStage nextStage, boolean transit, boolean firstRequest)
            throws LoginRejectedException {
        if (currentStage == LoginStage.FULL_FEATURE_PHASE) {
            throw initiatorError("a login request cannot be in the full feature phase");
        }
        if (!firstRequest && currentStage != expectedStage) {
            throw initiatorError("request in stage " + currentStage + " while the login is in " + expectedStage);
        }
        if (transit) {
            Objects.requireNonNull(nextStage, "nextStage");
            boolean forward = nextStage.code() > currentStage.code();
            if (!forward) {
                throw initiatorError("transit from " + currentStage + " to " + nextStage);
            }
        }
    }

    private void checkKeys(List<TextParameter> keys, boolean firstRequest) throws LoginRejectedException {
        Set<String> inThisRequest = new HashSet<>();
        for (TextParameter key : keys) {
            // §6.3: a parameter must not be declared or negotiated twice in a login; repeated
            // names of later requests are compared with their first value in classify
            boolean repeatableName = !firstRequest && LoginKeys.INITIATOR_DECLARATIONS.contains(key.key());
            if (!inThisRequest.add(key.key()) || (!keysSeen.add(key.key()) && !repeatableName)) {
                throw initiatorError("key " + key.key() + " sent more than once");
            }
            // §6.2: Reject, Irrelevant and NotUnderstood are answers, never offers
            if (KeyValues.isAnswerConstant(key.value())) {
                throw initiatorError("key " + key.key() + " offered the answer constant " + key.value());
            }
            boolean binary = key.key().equals(ChapAuthenticator.CHAP_C) || key.key().equals(ChapAuthenticator.CHAP_R);
            if (!binary && utf8Length(key.value()) > LoginKeys.MAX_TEXT_VALUE_BYTES) {
                throw initiatorError("value of " + key.key() + " exceeds " + LoginKeys.MAX_TEXT_VALUE_BYTES + " bytes");
            }
        }
    }

    // §6.3: the first request carries InitiatorName, and TargetName unless the session is a discovery session
    private void admit(List<TextParameter> keys) throws LoginRejectedException {
        Map<String, String> values = new HashMap<>();
        for (TextParameter key : keys) {
            values.put(key.key(), key.value());
        }
        String name = values.get(LoginKeys.INITIATOR_NAME);
        if (name == null || name.isEmpty()) {
            throw new LoginRejectedException(LoginStatus.MISSING_PARAMETER, "first request without InitiatorName");
        }
        if (utf8Length(name) > LoginKeys.MAX_ISCSI_NAME_BYTES) {
            throw initiatorError("InitiatorName longer than " + LoginKeys.MAX_ISCSI_NAME_BYTES + " bytes");
        }
        initiatorName = name;
        String type = values.getOrDefault(LoginKeys.SESSION_TYPE, SESSION_TYPE_NORMAL);
        if (type.equals(SESSION_TYPE_DISCOVERY)) {
            sessionType = SessionType.DISCOVERY;
            requiredChap = registry.discoveryChap();
            mutualChap = registry.discoveryMutualChap();
        } else if (type.equals(SESSION_TYPE_NORMAL)) {
            sessionType = SessionType.NORMAL;
            admitToTarget(values.get(LoginKeys.TARGET_NAME));
            declaredTargetName = values.get(LoginKeys.TARGET_NAME);
        } else {
            // §11.13.5 status 0x0209: the requested session type is not supported
            throw new LoginRejectedException(LoginStatus.SESSION_TYPE_NOT_SUPPORTED, "SessionType " + type);
        }
        operational = new OperationalNegotiation(limits, sessionType, leadingConnection);
    }

    private void admitToTarget(String targetName) throws LoginRejectedException {
        if (targetName == null || targetName.isEmpty()) {
            throw new LoginRejectedException(LoginStatus.MISSING_PARAMETER, "normal session without TargetName");
        }
        IscsiTarget found = registry.find(targetName)
                .orElseThrow(() -> new LoginRejectedException(LoginStatus.NOT_FOUND, "no target " + targetName));
        AccessControlEntry entry = found.admit(initiatorName)
                .orElseThrow(() -> new LoginRejectedException(LoginStatus.AUTHORIZATION_FAILURE,
                        "not admitted to " + found.name()));
        target = found;
        access = entry;
        requiredChap = entry.chap();
        mutualChap = entry.mutualChap();
    }

    private void classify(TextParameter key, LoginStage stage, boolean firstRequest, Map<String, String> securityKeys,
                          List<TextParameter> operationalKeys, List<TextParameter> notUnderstood)
            throws LoginRejectedException {
        String name = key.key();
        if (LoginKeys.INITIATOR_DECLARATIONS.contains(name)) {
            if (!firstRequest || name.equals(LoginKeys.INITIATOR_ALIAS)) {
                checkRedeclaration(name, key.value());
            }
        } else if (LoginKeys.TARGET_DECLARATIONS.contains(name)) {
            throw initiatorError(name + " is sent by targets only");
        } else if (LoginKeys.SECURITY.contains(name)) {
            if (stage != LoginStage.SECURITY_NEGOTIATION) {
                throw initiatorError("security key " + name + " outside the security stage");
            }
            securityKeys.put(name, key.value());
        } else if (OperationalNegotiation.isOperationalKey(name)) {
            // §6.3: only Any-Stage keys may appear in the security stage
            if (stage != LoginStage.LOGIN_OPERATIONAL_NEGOTIATION) {
                throw initiatorError("operational key " + name + " in the security stage");
            }
            operationalKeys.add(key);
        } else if (name.equals(LoginKeys.SEND_TARGETS)) {
            throw initiatorError("SendTargets during login (full feature phase only, §13.3)");
        } else {
            notUnderstood.add(new TextParameter(name, KeyValues.NOT_UNDERSTOOD));
        }
    }

    // §13.5-13.7, §13.21: a name keeps the value of its first declaration
    private void checkRedeclaration(String name, String value) throws LoginRejectedException {
        String declared = switch (name) {
            case LoginKeys.INITIATOR_NAME -> initiatorName;
            case LoginKeys.TARGET_NAME -> declaredTargetName;
            case LoginKeys.SESSION_TYPE -> sessionType == SessionType.DISCOVERY ? SESSION_TYPE_DISCOVERY : SESSION_TYPE_NORMAL;
            default -> initiatorAlias;
        };
        if (name.equals(LoginKeys.INITIATOR_ALIAS) && declared == null) {
            initiatorAlias = value;
        } else if (!value.equals(declared)) {
            throw initiatorError(name + " redeclared with another value");
        }
    }

    // §12: AuthMethod, then the CHAP steps of §12.1.3
    private List<TextParameter> negotiateSecurity(Map<String, String> keys) throws LoginRejectedException {
        boolean awaitingAlgorithms = chap != null && chap.awaitingAlgorithms();
        boolean awaitingResponse = chap != null && chap.awaitingResponse();
        List<TextParameter> response = new ArrayList<>();
        String authMethod = keys.get(LoginKeys.AUTH_METHOD);
        if (authMethod != null) {
            response.add(new TextParameter(LoginKeys.AUTH_METHOD, chooseAuthMethod(authMethod)));
        }
        String algorithms = keys.get(ChapAuthenticator.CHAP_A);
        if (algorithms != null) {
            if (chap == null) {
                throw authenticationFailure("CHAP_A without CHAP being the chosen AuthMethod");
            }
            response.addAll(chap.challenge(algorithms));
        } else if (awaitingAlgorithms) {
            throw authenticationFailure("CHAP chosen but the next request has no CHAP_A");
        }
        boolean responseKeys = keys.containsKey(ChapAuthenticator.CHAP_N) || keys.containsKey(ChapAuthenticator.CHAP_R)
                || keys.containsKey(ChapAuthenticator.CHAP_I) || keys.containsKey(ChapAuthenticator.CHAP_C);
        if (awaitingResponse || responseKeys) {
            if (chap == null || !awaitingResponse) {
                throw authenticationFailure("CHAP response keys before the challenge");
            }
            response.addAll(chap.verify(
                    Optional.ofNullable(keys.get(ChapAuthenticator.CHAP_N)),
                    Optional.ofNullable(keys.get(ChapAuthenticator.CHAP_R)),
                    Optional.ofNullable(keys.get(ChapAuthenticator.CHAP_I)),
                    Optional.ofNullable(keys.get(ChapAuthenticator.CHAP_C))));
        }
        return response;
    }

    // §12.1: the first method of the initiator's list that we accept for it; CHAP when required, else None
    private String chooseAuthMethod(String offered) throws LoginRejectedException {
        List<String> methods = KeyValues.list(offered);
        if (requiredChap.isPresent()) {
            if (!methods.contains(AUTH_CHAP)) {
                throw authenticationFailure("CHAP is required but the initiator offered " + offered);
            }
            chap = new ChapAuthenticator(requiredChap.get(), mutualChap, random);
            return AUTH_CHAP;
        }
        // §6.2.1: nothing acceptable is answered Reject
        return methods.contains(KeyValues.NONE) ? KeyValues.NONE : KeyValues.REJECT;
    }

    // §6.3: the target transits only when it has nothing left to ask; §12: never past security unauthenticated
    private boolean securityTransit(boolean transitRequested) throws LoginRejectedException {
        if (requiredChap.isEmpty() || chap != null && chap.authenticated()) {
            return transitRequested;
        }
        if (chap != null) {
            // our answer (AuthMethod or the challenge) needs the initiator's next request
            return false;
        }
        if (transitRequested) {
            throw authenticationFailure("the initiator tried to leave the security stage without authenticating");
        }
        return false;
    }

    private static LoginStage stageOrSecurity(LoginStage stage) {
        return stage == null ? LoginStage.SECURITY_NEGOTIATION : stage;
    }

    private static int utf8Length(String value) {
        return value.getBytes(StandardCharsets.UTF_8).length;
    }

    private static LoginRejectedException initiatorError(String reason) {
        return new LoginRejectedException(LoginStatus.INITIATOR_ERROR, reason);
    }

    private static LoginRejectedException authenticationFailure(String reason) {
        return new LoginRejectedException(LoginStatus.AUTHENTICATION_FAILURE, reason);
    }
}

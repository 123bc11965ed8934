package io.appliance.iscsi.login;

import static io.appliance.iscsi.login.LoginFixture.INITIATOR;
import static io.appliance.iscsi.login.LoginFixture.INITIATOR_CHAP;
import static io.appliance.iscsi.login.LoginFixture.OTHER_INITIATOR;
import static io.appliance.iscsi.login.LoginFixture.TARGET;
import static io.appliance.iscsi.login.LoginFixture.TARGET_CHAP;
import static io.appliance.iscsi.login.LoginFixture.acl;
import static io.appliance.iscsi.login.LoginFixture.asMap;
import static io.appliance.iscsi.login.LoginFixture.chapDigest;
import static io.appliance.iscsi.login.LoginFixture.chapResponse;
import static io.appliance.iscsi.login.LoginFixture.hex;
import static io.appliance.iscsi.login.LoginFixture.keys;
import static io.appliance.iscsi.login.LoginStage.FULL_FEATURE_PHASE;
import static io.appliance.iscsi.login.LoginStage.LOGIN_OPERATIONAL_NEGOTIATION;
import static io.appliance.iscsi.login.LoginStage.SECURITY_NEGOTIATION;
import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.iscsi.target.ChapCredentials;
import io.appliance.iscsi.target.IscsiTarget;
import io.appliance.iscsi.target.Portal;
import io.appliance.iscsi.target.TargetRegistry;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LoginNegotiatorTest {

    private final TargetRegistry registry = new TargetRegistry();

    private LoginNegotiator negotiator() {
        return new LoginNegotiator(registry, TargetLimits.defaults(), new SecureRandom());
    }

    private void openTarget() {
        registry.put(new IscsiTarget(TARGET, "Disk One", 7, List.of(new Portal("10.0.0.1", 3260)), true, List.of(),
                LoginFixture.NO_DEVICE));
    }

    private void chapTarget(Optional<ChapCredentials> mutual) {
        registry.put(LoginFixture.target(TARGET, "", List.of(acl(INITIATOR, Optional.of(INITIATOR_CHAP), mutual))));
    }

    private static LoginStep first(LoginNegotiator negotiator, LoginStage stage, LoginStage next, String... extra) {
        String[] all = new String[extra.length + 2];
        all[0] = "InitiatorName=" + INITIATOR;
        all[1] = "TargetName=" + TARGET;
        System.arraycopy(extra, 0, all, 2, extra.length);
        return negotiator.step(stage, next, true, keys(all), true);
    }

    @Nested
    class WithoutAuthentication {

        @Test
        void securityThenOperationalThenFullFeature() {
            openTarget();
            LoginNegotiator negotiator = negotiator();

            LoginStep security = first(negotiator, SECURITY_NEGOTIATION, LOGIN_OPERATIONAL_NEGOTIATION,
                    "AuthMethod=None", "InitiatorAlias=host-a");
            assertThat(security.status()).isEqualTo(LoginStatus.SUCCESS);
            assertThat(security.transit()).isTrue();
            assertThat(security.nextStage()).isEqualTo(LOGIN_OPERATIONAL_NEGOTIATION);
            assertThat(asMap(security.responseKeys())).containsExactly(
                    Map.entry("AuthMethod", "None"), Map.entry("TargetPortalGroupTag", "7"),
                    Map.entry("TargetAlias", "Disk One"));
            assertThat(negotiator.complete()).isFalse();

            LoginStep operational = negotiator.step(LOGIN_OPERATIONAL_NEGOTIATION, FULL_FEATURE_PHASE, true,
                    keys("HeaderDigest=CRC32C,None", "DataDigest=None", "MaxRecvDataSegmentLength=65536",
                            "MaxBurstLength=524288", "FirstBurstLength=65536", "InitialR2T=No", "ImmediateData=Yes"),
                    true);
            assertThat(operational.status()).isEqualTo(LoginStatus.SUCCESS);
            assertThat(operational.transit()).isTrue();
            assertThat(operational.nextStage()).isEqualTo(FULL_FEATURE_PHASE);
            assertThat(asMap(operational.responseKeys())).containsExactly(
                    Map.entry("HeaderDigest", "CRC32C"), Map.entry("DataDigest", "None"),
                    Map.entry("MaxBurstLength", "524288"), Map.entry("FirstBurstLength", "65536"),
                    Map.entry("InitialR2T", "No"), Map.entry("ImmediateData", "Yes"),
                    Map.entry("MaxRecvDataSegmentLength", "262144"));

            assertThat(negotiator.complete()).isTrue();
            assertThat(negotiator.sessionType()).isEqualTo(SessionType.NORMAL);
            assertThat(negotiator.initiatorName()).isEqualTo(INITIATOR);
            assertThat(negotiator.initiatorAlias()).isEqualTo("host-a");
            assertThat(negotiator.target()).map(IscsiTarget::name).hasValue(TARGET);
            assertThat(negotiator.access()).map(a -> a.initiatorName()).hasValue(INITIATOR);
            NegotiatedParameters negotiated = negotiator.negotiated();
            assertThat(negotiated.headerDigest()).isTrue();
            assertThat(negotiated.dataDigest()).isFalse();
            assertThat(negotiated.targetMaxRecvDataSegmentLength()).isEqualTo(262144);
            assertThat(negotiated.initiatorMaxRecvDataSegmentLength()).isEqualTo(65536);
            assertThat(negotiated.maxBurstLength()).isEqualTo(524288);
            assertThat(negotiated.firstBurstLength()).isEqualTo(65536);
            assertThat(negotiated.initialR2T()).isFalse();
            assertThat(negotiated.immediateData()).isTrue();
            assertThat(negotiated.maxConnections()).isEqualTo(1);
            assertThat(negotiated.errorRecoveryLevel()).isZero();
        }

        @Test
        void initiatorMayStartInTheOperationalStageAndSkipEveryKey() {
            openTarget();
            LoginNegotiator negotiator = negotiator();

            LoginStep step = first(negotiator, LOGIN_OPERATIONAL_NEGOTIATION, FULL_FEATURE_PHASE);

            assertThat(step.status()).isEqualTo(LoginStatus.SUCCESS);
            assertThat(step.transit()).isTrue();
            assertThat(asMap(step.responseKeys())).containsEntry("MaxRecvDataSegmentLength", "262144")
                    .containsEntry("TargetPortalGroupTag", "7");
            assertThat(negotiator.complete()).isTrue();
            NegotiatedParameters negotiated = negotiator.negotiated();
            assertThat(negotiated).isEqualTo(new NegotiatedParameters(false, false, 262144, 8192, 262144, 65536,
                    true, true, 1, true, true, 0, 2, 20, 1));
        }

        @Test
        void securityStraightToFullFeatureKeepsEveryDefault() {
            openTarget();
            LoginNegotiator negotiator = negotiator();

            LoginStep step = first(negotiator, SECURITY_NEGOTIATION, FULL_FEATURE_PHASE, "AuthMethod=None");

            assertThat(step.transit()).isTrue();
            assertThat(step.nextStage()).isEqualTo(FULL_FEATURE_PHASE);
            assertThat(asMap(step.responseKeys())).doesNotContainKey("MaxRecvDataSegmentLength");
            assertThat(negotiator.complete()).isTrue();
            assertThat(negotiator.negotiated()).isEqualTo(NegotiatedParameters.rfcDefaults());
        }

        @Test
        void withoutTheTBitTheTargetStaysInTheStage() {
            openTarget();
            LoginNegotiator negotiator = negotiator();

            LoginStep step = negotiator.step(SECURITY_NEGOTIATION, SECURITY_NEGOTIATION, false,
                    keys("InitiatorName=" + INITIATOR, "TargetName=" + TARGET, "AuthMethod=None"), true);
            LoginStep next = negotiator.step(SECURITY_NEGOTIATION, LOGIN_OPERATIONAL_NEGOTIATION, true, keys(), true);

            assertThat(step.transit()).isFalse();
            assertThat(next.transit()).isTrue();
            assertThat(next.responseKeys()).as("TPGT only in the first response").isEmpty();
        }

        @Test
        void chapOnlyOfferIsAnsweredRejectWhenNoCredentialsAreConfigured() {
            openTarget();

            LoginStep step = first(negotiator(), SECURITY_NEGOTIATION, LOGIN_OPERATIONAL_NEGOTIATION, "AuthMethod=CHAP");

            assertThat(step.status()).isEqualTo(LoginStatus.SUCCESS);
            assertThat(asMap(step.responseKeys())).containsEntry("AuthMethod", "Reject");
        }

        @Test
        void noTargetAliasIsSentWhenTheTargetHasNone() {
            registry.put(LoginFixture.openTarget(TARGET));

            LoginStep step = first(negotiator(), SECURITY_NEGOTIATION, LOGIN_OPERATIONAL_NEGOTIATION, "AuthMethod=None");

            assertThat(asMap(step.responseKeys())).containsOnlyKeys("AuthMethod", "TargetPortalGroupTag");
        }
    }

    @Nested
    class Admission {

        @Test
        void firstRequestWithoutInitiatorNameIsMissingParameter() {
            openTarget();

            LoginStep step = negotiator().step(SECURITY_NEGOTIATION, LOGIN_OPERATIONAL_NEGOTIATION, true,
                    keys("TargetName=" + TARGET, "AuthMethod=None"), true);

            assertThat(step.status()).isEqualTo(LoginStatus.MISSING_PARAMETER);
            assertThat(step.status().statusClass()).isEqualTo(2);
            assertThat(step.status().statusDetail()).isEqualTo(7);
            assertThat(step.transit()).isFalse();
            assertThat(step.responseKeys()).isEmpty();
        }

        @Test
        void emptyInitiatorNameIsMissingParameter() {
            LoginStep step = negotiator().step(SECURITY_NEGOTIATION, LOGIN_OPERATIONAL_NEGOTIATION, true,
                    keys("InitiatorName=", "SessionType=Discovery"), true);

            assertThat(step.status()).isEqualTo(LoginStatus.MISSING_PARAMETER);
        }

        @Test
        void normalSessionWithoutTargetNameIsMissingParameter() {
            LoginStep step = negotiator().step(SECURITY_NEGOTIATION, LOGIN_OPERATIONAL_NEGOTIATION, true,
                    keys("InitiatorName=" + INITIATOR, "AuthMethod=None"), true);

            assertThat(step.status()).isEqualTo(LoginStatus.MISSING_PARAMETER);
        }

        @Test
        void unknownTargetIsNotFound() {
            openTarget();

            LoginStep step = negotiator().step(SECURITY_NEGOTIATION, LOGIN_OPERATIONAL_NEGOTIATION, true,
                    keys("InitiatorName=" + INITIATOR, "TargetName=iqn.2024-01.io.appliance:nothing"), true);

            assertThat(step.status()).isEqualTo(LoginStatus.NOT_FOUND);
            assertThat(step.status().statusDetail()).isEqualTo(3);
        }

        @Test
        void targetNameComparesCaseInsensitively() {
            openTarget();

            LoginStep step = negotiator().step(SECURITY_NEGOTIATION, LOGIN_OPERATIONAL_NEGOTIATION, true,
                    keys("InitiatorName=" + INITIATOR, "TargetName=" + TARGET.toUpperCase(), "AuthMethod=None"), true);

            assertThat(step.status()).isEqualTo(LoginStatus.SUCCESS);
        }

        @Test
        void initiatorNotInTheAclIsAuthorizationFailure() {
            chapTarget(Optional.empty());

            LoginStep step = negotiator().step(SECURITY_NEGOTIATION, LOGIN_OPERATIONAL_NEGOTIATION, true,
                    keys("InitiatorName=" + OTHER_INITIATOR, "TargetName=" + TARGET, "AuthMethod=CHAP"), true);

            assertThat(step.status()).isEqualTo(LoginStatus.AUTHORIZATION_FAILURE);
            assertThat(step.status().statusDetail()).isEqualTo(2);
        }

        @Test
        void unsupportedSessionTypeIsRefused() {
            LoginStep step = negotiator().step(SECURITY_NEGOTIATION, LOGIN_OPERATIONAL_NEGOTIATION, true,
                    keys("InitiatorName=" + INITIATOR, "SessionType=Boot"), true);

            assertThat(step.status()).isEqualTo(LoginStatus.SESSION_TYPE_NOT_SUPPORTED);
        }

        @Test
        void initiatorNameLongerThan223BytesIsAnInitiatorError() {
            LoginStep step = negotiator().step(SECURITY_NEGOTIATION, LOGIN_OPERATIONAL_NEGOTIATION, true,
                    keys("InitiatorName=iqn.2024-01.x:" + "a".repeat(220), "SessionType=Discovery"), true);

            assertThat(step.status()).isEqualTo(LoginStatus.INITIATOR_ERROR);
        }
    }

    @Nested
    class Chap {

        private LoginNegotiator negotiator;
        private Map<String, String> challenge;

        private void startChap(String algorithms) {
            negotiator = negotiator();
            LoginStep method = first(negotiator, SECURITY_NEGOTIATION, LOGIN_OPERATIONAL_NEGOTIATION, "AuthMethod=None,CHAP");
            assertThat(method.status()).isEqualTo(LoginStatus.SUCCESS);
            assertThat(method.transit()).as("the initiator must still send CHAP_A").isFalse();
            assertThat(asMap(method.responseKeys())).containsEntry("AuthMethod", "CHAP");

            LoginStep challengeStep = negotiator.step(SECURITY_NEGOTIATION, LOGIN_OPERATIONAL_NEGOTIATION, true,
                    keys("CHAP_A=" + algorithms), true);
            assertThat(challengeStep.status()).isEqualTo(LoginStatus.SUCCESS);
            assertThat(challengeStep.transit()).as("the initiator must still answer the challenge").isFalse();
            challenge = asMap(challengeStep.responseKeys());
        }

        private LoginStep answer(String... response) {
            return negotiator.step(SECURITY_NEGOTIATION, LOGIN_OPERATIONAL_NEGOTIATION, true, keys(response), true);
        }

        private String correctResponse(String digest) {
            return chapResponse(digest, Integer.parseInt(challenge.get("CHAP_I")), INITIATOR_CHAP.secret(),
                    hex(challenge.get("CHAP_C")));
        }

        @ParameterizedTest
        @CsvSource({"5, MD5, 16", "7, SHA-256, 32", "6, SHA-1, 20", "8, SHA3-256, 32"})
        void fullExchangeSucceeds(String code, String digest, int challengeBytes) {
            chapTarget(Optional.empty());
            startChap(code);
            assertThat(challenge.get("CHAP_A")).isEqualTo(code);
            assertThat(Integer.parseInt(challenge.get("CHAP_I"))).isBetween(0, 255);
            assertThat(challenge.get("CHAP_C")).startsWith("0x");
            assertThat(hex(challenge.get("CHAP_C"))).hasSize(challengeBytes);

            LoginStep verified = answer("CHAP_N=" + INITIATOR_CHAP.user(), "CHAP_R=" + correctResponse(digest));

            assertThat(verified.status()).isEqualTo(LoginStatus.SUCCESS);
            assertThat(verified.transit()).isTrue();
            assertThat(verified.nextStage()).isEqualTo(LOGIN_OPERATIONAL_NEGOTIATION);
            assertThat(verified.responseKeys()).isEmpty();

            LoginStep done = negotiator.step(LOGIN_OPERATIONAL_NEGOTIATION, FULL_FEATURE_PHASE, true, keys(), true);
            assertThat(done.status()).isEqualTo(LoginStatus.SUCCESS);
            assertThat(negotiator.complete()).isTrue();
        }

        @Test
        void firstAlgorithmOfTheInitiatorsListThatWeSupportIsChosen() {
            chapTarget(Optional.empty());

            startChap("99,7,5");

            assertThat(challenge.get("CHAP_A")).isEqualTo("7");
        }

        @Test
        void unsupportedAlgorithmsAreAnAuthenticationFailure() {
            chapTarget(Optional.empty());
            negotiator = negotiator();
            first(negotiator, SECURITY_NEGOTIATION, LOGIN_OPERATIONAL_NEGOTIATION, "AuthMethod=CHAP");

            LoginStep step = answer("CHAP_A=3,99,x");

            assertThat(step.status()).isEqualTo(LoginStatus.AUTHENTICATION_FAILURE);
        }

        @Test
        void base64ResponseIsAccepted() {
            chapTarget(Optional.empty());
            startChap("5");
            byte[] digest = chapDigest("MD5", Integer.parseInt(challenge.get("CHAP_I")), INITIATOR_CHAP.secret(),
                    hex(challenge.get("CHAP_C")));

            LoginStep verified = answer("CHAP_N=" + INITIATOR_CHAP.user(),
                    "CHAP_R=0b" + Base64.getEncoder().encodeToString(digest));

            assertThat(verified.status()).isEqualTo(LoginStatus.SUCCESS);
        }

        @Test
        void wrongSecretIsAuthenticationFailure() {
            chapTarget(Optional.empty());
            startChap("5");
            String wrong = chapResponse("MD5", Integer.parseInt(challenge.get("CHAP_I")), "not-the-secret",
                    hex(challenge.get("CHAP_C")));

            LoginStep step = answer("CHAP_N=" + INITIATOR_CHAP.user(), "CHAP_R=" + wrong);

            assertThat(step.status()).isEqualTo(LoginStatus.AUTHENTICATION_FAILURE);
            assertThat(step.status().statusClass()).isEqualTo(2);
            assertThat(step.status().statusDetail()).isEqualTo(1);
            assertThat(step.responseKeys()).isEmpty();
            assertThat(negotiator.complete()).isFalse();
        }

        @Test
        void wrongNameIsAuthenticationFailure() {
            chapTarget(Optional.empty());
            startChap("5");

            LoginStep step = answer("CHAP_N=someone-else", "CHAP_R=" + correctResponse("MD5"));

            assertThat(step.status()).isEqualTo(LoginStatus.AUTHENTICATION_FAILURE);
        }

        @Test
        void responseOfTheWrongLengthIsAuthenticationFailure() {
            chapTarget(Optional.empty());
            startChap("7");

            LoginStep step = answer("CHAP_N=" + INITIATOR_CHAP.user(), "CHAP_R=" + correctResponse("MD5"));

            assertThat(step.status()).isEqualTo(LoginStatus.AUTHENTICATION_FAILURE);
        }

        @Test
        void missingResponseIsAuthenticationFailure() {
            chapTarget(Optional.empty());
            startChap("5");

            LoginStep step = answer("CHAP_N=" + INITIATOR_CHAP.user());

            assertThat(step.status()).isEqualTo(LoginStatus.AUTHENTICATION_FAILURE);
        }

        @Test
        void requestWithoutChapAAfterChoosingChapIsAuthenticationFailure() {
            chapTarget(Optional.empty());
            negotiator = negotiator();
            first(negotiator, SECURITY_NEGOTIATION, LOGIN_OPERATIONAL_NEGOTIATION, "AuthMethod=CHAP");

            LoginStep step = answer();

            assertThat(step.status()).isEqualTo(LoginStatus.AUTHENTICATION_FAILURE);
        }

        @Test
        void mutualChapProvesTheTargetsCredentials() {
            chapTarget(Optional.of(TARGET_CHAP));
            startChap("7");
            byte[] initiatorChallenge = new byte[32];
            new SecureRandom().nextBytes(initiatorChallenge);

            LoginStep verified = answer("CHAP_N=" + INITIATOR_CHAP.user(), "CHAP_R=" + correctResponse("SHA-256"),
                    "CHAP_I=42", "CHAP_C=0x" + java.util.HexFormat.of().formatHex(initiatorChallenge));

            assertThat(verified.status()).isEqualTo(LoginStatus.SUCCESS);
            assertThat(verified.transit()).as("CHAP_N/CHAP_R need no further answer").isTrue();
            Map<String, String> proof = asMap(verified.responseKeys());
            assertThat(proof).containsEntry("CHAP_N", TARGET_CHAP.user());
            assertThat(proof.get("CHAP_R")).isEqualTo(chapResponse("SHA-256", 42, TARGET_CHAP.secret(), initiatorChallenge));
        }

        @Test
        void reflectedChallengeIsAuthenticationFailure() {
            chapTarget(Optional.of(TARGET_CHAP));
            startChap("5");

            LoginStep step = answer("CHAP_N=" + INITIATOR_CHAP.user(), "CHAP_R=" + correctResponse("MD5"),
                    "CHAP_I=" + challenge.get("CHAP_I"), "CHAP_C=" + challenge.get("CHAP_C").toUpperCase().replace("0X", "0x"));

            assertThat(step.status()).isEqualTo(LoginStatus.AUTHENTICATION_FAILURE);
            assertThat(step.responseKeys()).as("no proof is computed over a reflected challenge").isEmpty();
        }

        @Test
        void mutualChapWithoutTargetCredentialsIsAuthenticationFailure() {
            chapTarget(Optional.empty());
            startChap("5");

            LoginStep step = answer("CHAP_N=" + INITIATOR_CHAP.user(), "CHAP_R=" + correctResponse("MD5"),
                    "CHAP_I=1", "CHAP_C=0x00112233445566778899aabbccddeeff");

            assertThat(step.status()).isEqualTo(LoginStatus.AUTHENTICATION_FAILURE);
        }

        @Test
        void mutualChapWithOnlyAChallengeIsAuthenticationFailure() {
            chapTarget(Optional.of(TARGET_CHAP));
            startChap("5");

            LoginStep step = answer("CHAP_N=" + INITIATOR_CHAP.user(), "CHAP_R=" + correctResponse("MD5"),
                    "CHAP_C=0x00112233445566778899aabbccddeeff");

            assertThat(step.status()).isEqualTo(LoginStatus.AUTHENTICATION_FAILURE);
        }

        @Test
        void offeringOnlyNoneWhenChapIsRequiredIsAuthenticationFailure() {
            chapTarget(Optional.empty());

            LoginStep step = first(negotiator(), SECURITY_NEGOTIATION, LOGIN_OPERATIONAL_NEGOTIATION, "AuthMethod=None");

            assertThat(step.status()).isEqualTo(LoginStatus.AUTHENTICATION_FAILURE);
        }

        @Test
        void startingInTheOperationalStageWhenChapIsRequiredIsAuthenticationFailure() {
            chapTarget(Optional.empty());

            LoginStep step = first(negotiator(), LOGIN_OPERATIONAL_NEGOTIATION, FULL_FEATURE_PHASE);

            assertThat(step.status()).isEqualTo(LoginStatus.AUTHENTICATION_FAILURE);
        }

        @Test
        void leavingTheSecurityStageWithoutAuthMethodWhenChapIsRequiredIsAuthenticationFailure() {
            chapTarget(Optional.empty());

            LoginStep step = first(negotiator(), SECURITY_NEGOTIATION, FULL_FEATURE_PHASE);

            assertThat(step.status()).isEqualTo(LoginStatus.AUTHENTICATION_FAILURE);
        }

        @Test
        void chapKeysBeforeChoosingChapAreAuthenticationFailure() {
            chapTarget(Optional.empty());

            LoginStep step = first(negotiator(), SECURITY_NEGOTIATION, LOGIN_OPERATIONAL_NEGOTIATION, "CHAP_A=5");

            assertThat(step.status()).isEqualTo(LoginStatus.AUTHENTICATION_FAILURE);
        }

        @Test
        void authMethodAndChapAInOneRequestGetTheChallengeAtOnce() {
            chapTarget(Optional.empty());
            negotiator = negotiator();

            LoginStep step = first(negotiator, SECURITY_NEGOTIATION, LOGIN_OPERATIONAL_NEGOTIATION,
                    "AuthMethod=CHAP", "CHAP_A=5");

            assertThat(step.transit()).isFalse();
            assertThat(asMap(step.responseKeys())).containsKeys("AuthMethod", "CHAP_A", "CHAP_I", "CHAP_C");
        }
    }

    @Nested
    class Discovery {

        private LoginStep discoveryLogin(LoginNegotiator negotiator, String... extra) {
            String[] all = new String[extra.length + 2];
            all[0] = "InitiatorName=" + INITIATOR;
            all[1] = "SessionType=Discovery";
            System.arraycopy(extra, 0, all, 2, extra.length);
            return negotiator.step(SECURITY_NEGOTIATION, LOGIN_OPERATIONAL_NEGOTIATION, true, keys(all), true);
        }

        @Test
        void withoutDiscoveryChapNoneIsAccepted() {
            LoginNegotiator negotiator = negotiator();

            LoginStep step = discoveryLogin(negotiator, "AuthMethod=CHAP,None");

            assertThat(step.status()).isEqualTo(LoginStatus.SUCCESS);
            assertThat(asMap(step.responseKeys())).containsExactly(Map.entry("AuthMethod", "None"));
            assertThat(negotiator.sessionType()).isEqualTo(SessionType.DISCOVERY);
            assertThat(negotiator.target()).isEmpty();
        }

        @Test
        void sessionKeysForDataTransferAreIrrelevant() {
            LoginNegotiator negotiator = negotiator();
            discoveryLogin(negotiator, "AuthMethod=None");

            LoginStep step = negotiator.step(LOGIN_OPERATIONAL_NEGOTIATION, FULL_FEATURE_PHASE, true,
                    keys("MaxBurstLength=4096", "InitialR2T=No", "MaxConnections=4", "ErrorRecoveryLevel=2",
                            "HeaderDigest=None", "DefaultTime2Wait=5"), true);

            assertThat(asMap(step.responseKeys())).containsEntry("MaxBurstLength", "Irrelevant")
                    .containsEntry("InitialR2T", "Irrelevant").containsEntry("MaxConnections", "Irrelevant")
                    .containsEntry("ErrorRecoveryLevel", "0").containsEntry("HeaderDigest", "None")
                    .containsEntry("DefaultTime2Wait", "5");
            assertThat(negotiator.negotiated().maxConnections()).isEqualTo(1);
            assertThat(negotiator.negotiated().maxBurstLength()).isEqualTo(262144);
        }

        @Test
        void discoveryChapIsRequiredWhenConfigured() {
            registry.setDiscoveryAuth(Optional.of(INITIATOR_CHAP), Optional.empty());

            LoginStep step = discoveryLogin(negotiator(), "AuthMethod=None");

            assertThat(step.status()).isEqualTo(LoginStatus.AUTHENTICATION_FAILURE);
        }

        @Test
        void discoveryChapSucceedsWithTheDiscoveryCredentials() {
            registry.setDiscoveryAuth(Optional.of(INITIATOR_CHAP), Optional.empty());
            LoginNegotiator negotiator = negotiator();
            assertThat(asMap(discoveryLogin(negotiator, "AuthMethod=CHAP").responseKeys())).containsEntry("AuthMethod", "CHAP");
            Map<String, String> challenge = asMap(negotiator.step(SECURITY_NEGOTIATION, FULL_FEATURE_PHASE, true,
                    keys("CHAP_A=5"), true).responseKeys());

            LoginStep step = negotiator.step(SECURITY_NEGOTIATION, FULL_FEATURE_PHASE, true,
                    keys("CHAP_N=" + INITIATOR_CHAP.user(), "CHAP_R=" + chapResponse("MD5",
                            Integer.parseInt(challenge.get("CHAP_I")), INITIATOR_CHAP.secret(), hex(challenge.get("CHAP_C")))),
                    true);

            assertThat(step.status()).isEqualTo(LoginStatus.SUCCESS);
            assertThat(step.nextStage()).isEqualTo(FULL_FEATURE_PHASE);
            assertThat(negotiator.complete()).isTrue();
        }
    }

    @Nested
    class ProtocolErrors {

        @Test
        void keySentTwiceInOneRequestIsAnInitiatorError() {
            openTarget();

            LoginStep step = first(negotiator(), LOGIN_OPERATIONAL_NEGOTIATION, FULL_FEATURE_PHASE,
                    "MaxBurstLength=4096", "MaxBurstLength=8192");

            assertThat(step.status()).isEqualTo(LoginStatus.INITIATOR_ERROR);
        }

        @Test
        void keySentAgainInALaterRequestIsAnInitiatorError() {
            openTarget();
            LoginNegotiator negotiator = negotiator();
            LoginStep firstStep = negotiator.step(LOGIN_OPERATIONAL_NEGOTIATION, FULL_FEATURE_PHASE, false,
                    keys("InitiatorName=" + INITIATOR, "TargetName=" + TARGET, "MaxBurstLength=4096"), true);
            assertThat(firstStep.status()).isEqualTo(LoginStatus.SUCCESS);

            LoginStep step = negotiator.step(LOGIN_OPERATIONAL_NEGOTIATION, FULL_FEATURE_PHASE, true,
                    keys("MaxBurstLength=8192"), true);

            assertThat(step.status()).isEqualTo(LoginStatus.INITIATOR_ERROR);
        }

        @Test
        void operationalKeyInTheSecurityStageIsAnInitiatorError() {
            openTarget();

            LoginStep step = first(negotiator(), SECURITY_NEGOTIATION, LOGIN_OPERATIONAL_NEGOTIATION,
                    "AuthMethod=None", "MaxBurstLength=4096");

            assertThat(step.status()).isEqualTo(LoginStatus.INITIATOR_ERROR);
        }

        @Test
        void securityKeyInTheOperationalStageIsAnInitiatorError() {
            openTarget();

            LoginStep step = first(negotiator(), LOGIN_OPERATIONAL_NEGOTIATION, FULL_FEATURE_PHASE, "AuthMethod=None");

            assertThat(step.status()).isEqualTo(LoginStatus.INITIATOR_ERROR);
        }

        @Test
        void targetOnlyKeyFromTheInitiatorIsAnInitiatorError() {
            openTarget();

            LoginStep step = first(negotiator(), SECURITY_NEGOTIATION, LOGIN_OPERATIONAL_NEGOTIATION,
                    "TargetPortalGroupTag=1");

            assertThat(step.status()).isEqualTo(LoginStatus.INITIATOR_ERROR);
        }

        @Test
        void answerConstantOfferedAsValueIsAnInitiatorError() {
            openTarget();

            LoginStep step = first(negotiator(), LOGIN_OPERATIONAL_NEGOTIATION, FULL_FEATURE_PHASE, "InitialR2T=Reject");

            assertThat(step.status()).isEqualTo(LoginStatus.INITIATOR_ERROR);
        }

        @Test
        void sendTargetsDuringLoginIsAnInitiatorError() {
            openTarget();

            LoginStep step = first(negotiator(), LOGIN_OPERATIONAL_NEGOTIATION, FULL_FEATURE_PHASE, "SendTargets=All");

            assertThat(step.status()).isEqualTo(LoginStatus.INITIATOR_ERROR);
        }

        @Test
        void initiatorNameInALaterRequestIsAnInitiatorError() {
            openTarget();
            LoginNegotiator negotiator = negotiator();
            negotiator.step(SECURITY_NEGOTIATION, LOGIN_OPERATIONAL_NEGOTIATION, false,
                    keys("InitiatorName=" + INITIATOR, "TargetName=" + TARGET), true);

            LoginStep step = negotiator.step(SECURITY_NEGOTIATION, LOGIN_OPERATIONAL_NEGOTIATION, true,
                    keys("SessionType=Discovery"), true);

            assertThat(step.status()).isEqualTo(LoginStatus.INITIATOR_ERROR);
        }

        @Test
        void backwardTransitionIsAnInitiatorError() {
            openTarget();

            LoginStep step = first(negotiator(), LOGIN_OPERATIONAL_NEGOTIATION, SECURITY_NEGOTIATION);

            assertThat(step.status()).isEqualTo(LoginStatus.INITIATOR_ERROR);
        }

        @Test
        void requestInAStageOtherThanTheAgreedOneIsAnInitiatorError() {
            openTarget();
            LoginNegotiator negotiator = negotiator();
            first(negotiator, SECURITY_NEGOTIATION, LOGIN_OPERATIONAL_NEGOTIATION, "AuthMethod=None");

            LoginStep step = negotiator.step(SECURITY_NEGOTIATION, LOGIN_OPERATIONAL_NEGOTIATION, true, keys(), true);

            assertThat(step.status()).isEqualTo(LoginStatus.INITIATOR_ERROR);
        }

        @Test
        void fullFeaturePhaseAsCurrentStageIsAnInitiatorError() {
            LoginStep step = negotiator().step(FULL_FEATURE_PHASE, FULL_FEATURE_PHASE, true,
                    keys("InitiatorName=" + INITIATOR, "SessionType=Discovery"), true);

            assertThat(step.status()).isEqualTo(LoginStatus.INITIATOR_ERROR);
        }

        @Test
        void valueLongerThan255BytesIsAnInitiatorError() {
            openTarget();

            LoginStep step = first(negotiator(), SECURITY_NEGOTIATION, LOGIN_OPERATIONAL_NEGOTIATION,
                    "InitiatorAlias=" + "a".repeat(256));

            assertThat(step.status()).isEqualTo(LoginStatus.INITIATOR_ERROR);
        }

        @Test
        void everyRequestAfterAFailureFails() {
            openTarget();
            LoginNegotiator negotiator = negotiator();
            first(negotiator, LOGIN_OPERATIONAL_NEGOTIATION, FULL_FEATURE_PHASE, "AuthMethod=None");

            LoginStep step = negotiator.step(LOGIN_OPERATIONAL_NEGOTIATION, FULL_FEATURE_PHASE, true, keys(), true);

            assertThat(step.status()).isEqualTo(LoginStatus.INITIATOR_ERROR);
            assertThat(negotiator.complete()).isFalse();
        }

        @Test
        void requestAfterCompletionIsAnInitiatorError() {
            openTarget();
            LoginNegotiator negotiator = negotiator();
            first(negotiator, LOGIN_OPERATIONAL_NEGOTIATION, FULL_FEATURE_PHASE);

            LoginStep step = negotiator.step(LOGIN_OPERATIONAL_NEGOTIATION, FULL_FEATURE_PHASE, true, keys(), true);

            assertThat(step.status()).isEqualTo(LoginStatus.INITIATOR_ERROR);
        }

        @Test
        void unknownAndExtensionKeysAreNotUnderstood() {
            openTarget();

            LoginStep step = first(negotiator(), SECURITY_NEGOTIATION, LOGIN_OPERATIONAL_NEGOTIATION,
                    "AuthMethod=None", "X-com.example.feature=1", "X#NodeArchitecture=Linux", "Frobnicate=Yes");

            assertThat(step.status()).isEqualTo(LoginStatus.SUCCESS);
            assertThat(asMap(step.responseKeys())).containsEntry("X-com.example.feature", "NotUnderstood")
                    .containsEntry("X#NodeArchitecture", "NotUnderstood").containsEntry("Frobnicate", "NotUnderstood");
        }

        @Test
        void callerBugsBecomeTargetErrorNotExceptions() {
            LoginStep step = negotiator().step(SECURITY_NEGOTIATION, LOGIN_OPERATIONAL_NEGOTIATION, true, null, true);

            assertThat(step.status()).isEqualTo(LoginStatus.TARGET_ERROR);
        }
    }

    /** The request sequences libiscsi (iscsi-test-cu, QEMU) sends, taken from its lib/login.c. */
    @Nested
    class LibiscsiSequences {

        private static final String[] OPERATIONAL = {
            "HeaderDigest=None,CRC32C", "DataDigest=None", "InitialR2T=No", "ImmediateData=Yes",
            "MaxBurstLength=262144", "FirstBurstLength=262144", "DefaultTime2Wait=2", "DefaultTime2Retain=0",
            "MaxOutstandingR2T=1", "ErrorRecoveryLevel=0", "IFMarker=No", "OFMarker=No", "MaxConnections=1",
            "MaxRecvDataSegmentLength=262144", "DataPDUInOrder=Yes", "DataSequenceInOrder=Yes",
        };

        private String[] names(String... operational) {
            String[] all = new String[operational.length + 4];
            all[0] = "InitiatorName=" + INITIATOR;
            all[1] = "InitiatorAlias=qemu";
            all[2] = "TargetName=" + TARGET;
            all[3] = "SessionType=Normal";
            System.arraycopy(operational, 0, all, 4, operational.length);
            return all;
        }

        @Test
        void withoutChapEverythingGoesInOneOperationalRequest() {
            openTarget();
            LoginNegotiator negotiator = negotiator();

            LoginStep step = negotiator.step(LOGIN_OPERATIONAL_NEGOTIATION, FULL_FEATURE_PHASE, true,
                    keys(names(OPERATIONAL)), true);

            assertThat(step.status()).isEqualTo(LoginStatus.SUCCESS);
            assertThat(step.transit()).isTrue();
            assertThat(negotiator.complete()).isTrue();
            Map<String, String> answers = asMap(step.responseKeys());
            assertThat(answers).containsEntry("HeaderDigest", "None").containsEntry("IFMarker", "No")
                    .containsEntry("MaxRecvDataSegmentLength", "262144").doesNotContainKey("InitiatorName");
            assertThat(negotiator.negotiated().firstBurstLength()).isEqualTo(262144);
            assertThat(negotiator.negotiated().initialR2T()).isFalse();
        }

        @Test
        void withChapTheNamesAreRepeatedInTheOperationalStage() {
            chapTarget(Optional.empty());
            LoginNegotiator negotiator = negotiator();
            LoginStep method = negotiator.step(SECURITY_NEGOTIATION, LOGIN_OPERATIONAL_NEGOTIATION, true,
                    keys(names("AuthMethod=CHAP,None")), true);
            assertThat(method.transit()).isFalse();
            LoginStep challengeStep = negotiator.step(SECURITY_NEGOTIATION, LOGIN_OPERATIONAL_NEGOTIATION, false,
                    keys("CHAP_A=5"), true);
            Map<String, String> challenge = asMap(challengeStep.responseKeys());
            LoginStep verified = negotiator.step(SECURITY_NEGOTIATION, LOGIN_OPERATIONAL_NEGOTIATION, true,
                    keys("CHAP_N=" + INITIATOR_CHAP.user(), "CHAP_R=" + chapResponse("MD5",
                            Integer.parseInt(challenge.get("CHAP_I")), INITIATOR_CHAP.secret(), hex(challenge.get("CHAP_C")))),
                    true);
            assertThat(verified.transit()).isTrue();

            LoginStep operational = negotiator.step(LOGIN_OPERATIONAL_NEGOTIATION, FULL_FEATURE_PHASE, true,
                    keys(names(OPERATIONAL)), true);

            assertThat(operational.status()).isEqualTo(LoginStatus.SUCCESS);
            assertThat(negotiator.complete()).isTrue();
            assertThat(asMap(operational.responseKeys())).doesNotContainKeys("InitiatorName", "TargetName", "SessionType");
        }

        @Test
        void repeatedNameWithAnotherValueIsAnInitiatorError() {
            openTarget();
            LoginNegotiator negotiator = negotiator();
            negotiator.step(SECURITY_NEGOTIATION, LOGIN_OPERATIONAL_NEGOTIATION, true, keys(names("AuthMethod=None")), true);

            LoginStep step = negotiator.step(LOGIN_OPERATIONAL_NEGOTIATION, FULL_FEATURE_PHASE, true,
                    keys("InitiatorName=" + OTHER_INITIATOR), true);

            assertThat(step.status()).isEqualTo(LoginStatus.INITIATOR_ERROR);
        }

        @Test
        void nameTwiceInOneRequestIsAnInitiatorError() {
            openTarget();

            LoginStep step = negotiator().step(LOGIN_OPERATIONAL_NEGOTIATION, FULL_FEATURE_PHASE, true,
                    keys("InitiatorName=" + INITIATOR, "TargetName=" + TARGET, "InitiatorName=" + INITIATOR), true);

            assertThat(step.status()).isEqualTo(LoginStatus.INITIATOR_ERROR);
        }

        @Test
        void targetNameFirstSentAfterADiscoveryLoginStartedIsAnInitiatorError() {
            LoginNegotiator negotiator = negotiator();
            negotiator.step(SECURITY_NEGOTIATION, LOGIN_OPERATIONAL_NEGOTIATION, true,
                    keys("InitiatorName=" + INITIATOR, "SessionType=Discovery", "AuthMethod=None"), true);

            LoginStep step = negotiator.step(LOGIN_OPERATIONAL_NEGOTIATION, FULL_FEATURE_PHASE, true,
                    keys("TargetName=" + TARGET), true);

            assertThat(step.status()).isEqualTo(LoginStatus.INITIATOR_ERROR);
        }
    }

    @Nested
    class AdditionalConnection {

        @Test
        void leadingOnlyKeysAreIrrelevantAndConnectionKeysAreNegotiated() {
            openTarget();
            LoginNegotiator negotiator = negotiator();

            LoginStep step = negotiator.step(LOGIN_OPERATIONAL_NEGOTIATION, FULL_FEATURE_PHASE, true,
                    keys("InitiatorName=" + INITIATOR, "TargetName=" + TARGET, "MaxBurstLength=4096",
                            "MaxConnections=2", "HeaderDigest=CRC32C", "MaxRecvDataSegmentLength=16384"), false);

            assertThat(step.status()).isEqualTo(LoginStatus.SUCCESS);
            assertThat(asMap(step.responseKeys())).containsEntry("MaxBurstLength", "Irrelevant")
                    .containsEntry("MaxConnections", "Irrelevant").containsEntry("HeaderDigest", "CRC32C");
            assertThat(negotiator.negotiated().headerDigest()).isTrue();
            assertThat(negotiator.negotiated().initiatorMaxRecvDataSegmentLength()).isEqualTo(16384);
        }
    }
}

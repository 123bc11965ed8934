package io.appliance.iscsi.login;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.iscsi.target.TargetRegistry;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Hostile request sequences: every step yields a status, never an exception, and never completes unauthenticated. */
class LoginNegotiatorFuzzTest {

    private static final String[] KEYS = {
        "InitiatorName", "TargetName", "SessionType", "InitiatorAlias", "AuthMethod", "CHAP_A", "CHAP_I", "CHAP_C",
        "CHAP_N", "CHAP_R", "HeaderDigest", "DataDigest", "MaxConnections", "InitialR2T", "ImmediateData",
        "MaxRecvDataSegmentLength", "MaxBurstLength", "FirstBurstLength", "DefaultTime2Wait", "DefaultTime2Retain",
        "MaxOutstandingR2T", "DataPDUInOrder", "DataSequenceInOrder", "ErrorRecoveryLevel", "TaskReporting",
        "iSCSIProtocolLevel", "OFMarker", "IFMarkInt", "TargetAlias", "SendTargets", "X-a", "Unknown",
    };
    private static final String[] VALUES = {
        "", "None", "CHAP", "CHAP,None", "5", "7,5", "0x00", "0b", "0xzz", "Yes", "No", "Reject", "Discovery", "Normal",
        "Other", "0", "1", "512", "16777216", "-1", "99999999999999999999999", LoginFixture.INITIATOR, LoginFixture.TARGET,
        LoginFixture.INITIATOR_CHAP.user(), "0x" + "ab".repeat(16), "CRC32C,None", "All",
    };

    @Test
    void randomRequestSequencesAlwaysGetAStatus() {
        Random random = new Random(3720);
        TargetRegistry registry = new TargetRegistry();
        registry.put(LoginFixture.target(LoginFixture.TARGET, "", List.of(
                LoginFixture.acl(LoginFixture.INITIATOR, Optional.of(LoginFixture.INITIATOR_CHAP), Optional.empty()))));
        registry.setDiscoveryAuth(Optional.of(LoginFixture.INITIATOR_CHAP), Optional.empty());
        LoginStage[] stages = LoginStage.values();
        for (int login = 0; login < 5_000; login++) {
            LoginNegotiator negotiator = new LoginNegotiator(registry, TargetLimits.defaults(), new SecureRandom());
            for (int request = 0; request < 6; request++) {
                List<TextParameter> keys = new ArrayList<>();
                int count = random.nextInt(6);
                for (int i = 0; i < count; i++) {
                    keys.add(new TextParameter(KEYS[random.nextInt(KEYS.length)], VALUES[random.nextInt(VALUES.length)]));
                }
                LoginStep step = negotiator.step(stages[random.nextInt(stages.length)], stages[random.nextInt(stages.length)],
                        random.nextBoolean(), keys, random.nextBoolean());

                assertThat(step.status()).isNotNull();
                assertThat(step.status()).isNotEqualTo(LoginStatus.TARGET_ERROR);
                assertThat(negotiator.complete()).as("no random guess passes CHAP").isFalse();
                if (!step.status().isSuccess()) {
                    break;
                }
            }
        }
    }
}

package io.appliance.iscsi.login;

import static io.appliance.iscsi.login.LoginFixture.INITIATOR;
import static io.appliance.iscsi.login.LoginFixture.TARGET;
import static io.appliance.iscsi.login.LoginFixture.asMap;
import static io.appliance.iscsi.login.LoginFixture.keys;
import static io.appliance.iscsi.login.LoginStage.FULL_FEATURE_PHASE;
import static io.appliance.iscsi.login.LoginStage.LOGIN_OPERATIONAL_NEGOTIATION;
import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.iscsi.target.TargetRegistry;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The result function of every operational key (RFC 7143 §13), against {@link TargetLimits#defaults()}. */
class OperationalKeysTest {

    private final TargetRegistry registry = new TargetRegistry();

    @BeforeEach
    void openTarget() {
        registry.put(LoginFixture.openTarget(TARGET));
    }

    private LoginStep operational(TargetLimits limits, boolean transit, String... extra) {
        LoginNegotiator negotiator = new LoginNegotiator(registry, limits, new SecureRandom());
        return operational(negotiator, transit, extra);
    }

    private static LoginStep operational(LoginNegotiator negotiator, boolean transit, String... extra) {
        List<String> all = new ArrayList<>(List.of("InitiatorName=" + INITIATOR, "TargetName=" + TARGET));
        all.addAll(Arrays.asList(extra));
        return negotiator.step(LOGIN_OPERATIONAL_NEGOTIATION, FULL_FEATURE_PHASE, transit,
                keys(all.toArray(String[]::new)), true);
    }

    @ParameterizedTest(name = "{0}={1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "HeaderDigest|CRC32C,None|CRC32C",
        "HeaderDigest|None,CRC32C|None",
        "HeaderDigest|Y-com.example.md5,CRC32C|CRC32C",
        "HeaderDigest|MD5|Reject",
        "DataDigest|None|None",
        "DataDigest|CRC32C|CRC32C",
        "MaxConnections|4|1",
        "MaxConnections|0|Reject",
        "MaxConnections|65536|Reject",
        "InitialR2T|Yes|Yes",
        "InitialR2T|No|No",
        "InitialR2T|maybe|Reject",
        "ImmediateData|Yes|Yes",
        "ImmediateData|No|No",
        "MaxBurstLength|4096|4096",
        "MaxBurstLength|0x1000|4096",
        "MaxBurstLength|16777215|1048576",
        "MaxBurstLength|511|Reject",
        "MaxBurstLength|16777216|Reject",
        "MaxBurstLength|lots|Reject",
        "FirstBurstLength|4096|4096",
        "FirstBurstLength|1048576|262144",
        "FirstBurstLength|100|Reject",
        "DefaultTime2Wait|0|2",
        "DefaultTime2Wait|10|10",
        "DefaultTime2Wait|3601|Reject",
        "DefaultTime2Retain|20|0",
        "DefaultTime2Retain|0|0",
        "DefaultTime2Retain|3601|Reject",
        "MaxOutstandingR2T|1|1",
        "MaxOutstandingR2T|64|16",
        "MaxOutstandingR2T|0|Reject",
        "DataPDUInOrder|No|Yes",
        "DataPDUInOrder|Yes|Yes",
        "DataSequenceInOrder|No|Yes",
        "DataSequenceInOrder|Nope|Reject",
        "ErrorRecoveryLevel|2|0",
        "ErrorRecoveryLevel|0|0",
        "ErrorRecoveryLevel|3|Reject",
        "OFMarker|Yes|No",
        "IFMarker|No|No",
        "OFMarkInt|2048~8192|Reject",
        "IFMarkInt|2048|Reject",
        "TaskReporting|ResponseFence,RFC3720|RFC3720",
        "TaskReporting|FastAbort|Reject",
        "iSCSIProtocolLevel|2|1",
        "iSCSIProtocolLevel|0|0",
        "iSCSIProtocolLevel|32|Reject",
    })
    void resultFunction(String key, String offered, String expected) {
        LoginStep step = operational(TargetLimits.defaults(), false, key + "=" + offered);

        assertThat(step.status()).isEqualTo(LoginStatus.SUCCESS);
        assertThat(asMap(step.responseKeys())).containsEntry(key, expected);
    }

    @Test
    void initiatorsMaxRecvDataSegmentLengthIsDeclarativeAndNotAnswered() {
        LoginNegotiator negotiator = new LoginNegotiator(registry, TargetLimits.defaults(), new SecureRandom());

        LoginStep step = operational(negotiator, true, "MaxRecvDataSegmentLength=131072");

        assertThat(asMap(step.responseKeys())).containsEntry("MaxRecvDataSegmentLength", "262144");
        assertThat(negotiator.negotiated().initiatorMaxRecvDataSegmentLength()).isEqualTo(131072);
        assertThat(negotiator.negotiated().targetMaxRecvDataSegmentLength()).isEqualTo(262144);
    }

    @Test
    void initiatorsMaxRecvDataSegmentLengthOutOfRangeIsAnInitiatorError() {
        assertThat(operational(TargetLimits.defaults(), false, "MaxRecvDataSegmentLength=100").status())
                .isEqualTo(LoginStatus.INITIATOR_ERROR);
        assertThat(operational(TargetLimits.defaults(), false, "MaxRecvDataSegmentLength=16777216").status())
                .isEqualTo(LoginStatus.INITIATOR_ERROR);
    }

    @Test
    void targetDeclaresItsMaxRecvDataSegmentLengthOnce() {
        LoginNegotiator negotiator = new LoginNegotiator(registry, TargetLimits.defaults(), new SecureRandom());
        LoginStep firstStep = operational(negotiator, false, "MaxBurstLength=65536");

        LoginStep second = negotiator.step(LOGIN_OPERATIONAL_NEGOTIATION, FULL_FEATURE_PHASE, true,
                keys("FirstBurstLength=8192"), true);

        assertThat(asMap(firstStep.responseKeys())).containsKey("MaxRecvDataSegmentLength");
        assertThat(asMap(second.responseKeys())).containsOnlyKeys("FirstBurstLength");
        assertThat(negotiator.negotiated().firstBurstLength()).isEqualTo(8192);
        assertThat(negotiator.negotiated().maxBurstLength()).isEqualTo(65536);
    }

    @Test
    void firstBurstLengthIsIrrelevantWithInitialR2TAndNoImmediateDataEvenWhenSentFirst() {
        LoginStep step = operational(TargetLimits.defaults(), false,
                "FirstBurstLength=65536", "InitialR2T=Yes", "ImmediateData=No");

        assertThat(asMap(step.responseKeys())).containsEntry("FirstBurstLength", "Irrelevant");
        assertThat(step.responseKeys().get(0).key()).as("answers keep the request's order").isEqualTo("FirstBurstLength");
    }

    @Test
    void firstBurstLengthNeverExceedsMaxBurstLengthOfTheSameRequest() {
        LoginStep step = operational(TargetLimits.defaults(), false, "FirstBurstLength=262144", "MaxBurstLength=16384");

        assertThat(asMap(step.responseKeys())).containsEntry("FirstBurstLength", "16384")
                .containsEntry("MaxBurstLength", "16384");
    }

    @Test
    void loweringOnlyMaxBurstLengthBoundsTheDefaultFirstBurstLength() {
        LoginNegotiator negotiator = new LoginNegotiator(registry, TargetLimits.defaults(), new SecureRandom());

        operational(negotiator, true, "MaxBurstLength=4096");

        assertThat(negotiator.negotiated().maxBurstLength()).isEqualTo(4096);
        assertThat(negotiator.negotiated().firstBurstLength()).isEqualTo(4096);
    }

    @Test
    void targetPreferencesDriveBooleanResults() {
        TargetLimits strict = new TargetLimits(65536, 262144, 65536, 1, false, true, 4, 5, 10, 0,
                List.of("CRC32C", "None"), List.of("None"));

        Map<String, String> answers = asMap(operational(strict, false, "ImmediateData=Yes", "InitialR2T=No",
                "MaxConnections=8", "DefaultTime2Wait=1", "DefaultTime2Retain=60", "DataDigest=CRC32C,None").responseKeys());

        assertThat(answers).containsEntry("ImmediateData", "No").containsEntry("InitialR2T", "Yes")
                .containsEntry("MaxConnections", "4").containsEntry("DefaultTime2Wait", "5")
                .containsEntry("DefaultTime2Retain", "10").containsEntry("DataDigest", "None")
                .containsEntry("MaxRecvDataSegmentLength", "65536");
    }

    @Test
    void requiredDigestNeverNegotiatedFailsTheLogin() {
        TargetLimits crcOnly = new TargetLimits(262144, 1048576, 262144, 16, true, false, 1, 2, 0, 0,
                List.of("CRC32C"), List.of("None", "CRC32C"));

        LoginStep silent = operational(crcOnly, true);
        LoginStep refused = operational(crcOnly, true, "HeaderDigest=None");
        LoginStep agreed = operational(crcOnly, true, "HeaderDigest=None,CRC32C");

        assertThat(silent.status()).isEqualTo(LoginStatus.INITIATOR_ERROR);
        assertThat(refused.status()).isEqualTo(LoginStatus.INITIATOR_ERROR);
        assertThat(agreed.status()).isEqualTo(LoginStatus.SUCCESS);
        assertThat(asMap(agreed.responseKeys())).containsEntry("HeaderDigest", "CRC32C");
    }
}

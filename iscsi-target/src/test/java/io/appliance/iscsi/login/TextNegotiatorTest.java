package io.appliance.iscsi.login;

import static io.appliance.iscsi.login.LoginFixture.INITIATOR;
import static io.appliance.iscsi.login.LoginFixture.OTHER_INITIATOR;
import static io.appliance.iscsi.login.LoginFixture.acl;
import static io.appliance.iscsi.login.LoginFixture.keys;
import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.iscsi.target.IscsiTarget;
import io.appliance.iscsi.target.Portal;
import io.appliance.iscsi.target.TargetRegistry;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TextNegotiatorTest {

    private static final String ALPHA = "iqn.2024-01.io.appliance:alpha";
    private static final String BETA = "iqn.2024-01.io.appliance:beta";
    private static final String PRIVATE = "iqn.2024-01.io.appliance:private";

    private final TargetRegistry registry = new TargetRegistry();
    private final TextNegotiator negotiator = new TextNegotiator(registry);
    private IscsiTarget alpha;

    @BeforeEach
    void targets() {
        alpha = LoginFixture.openTarget(ALPHA, new Portal("10.0.0.1", 3260), new Portal("10.0.1.1", 3260));
        registry.put(alpha);
        registry.put(new IscsiTarget(BETA, "", 2, List.of(new Portal("fd00::1", 3261)), true, List.of(),
                LoginFixture.NO_DEVICE));
        registry.put(LoginFixture.target(PRIVATE, "", List.of(acl(OTHER_INITIATOR, Optional.empty(), Optional.empty())),
                new Portal("10.0.0.9", 3260)));
    }

    private List<TextParameter> discovery(String value) {
        return negotiator.respond(keys("SendTargets=" + value), SessionType.DISCOVERY, INITIATOR, Optional.empty(),
                "10.0.0.1:3260");
    }

    @Test
    void discoverySendTargetsAllListsEveryVisibleTargetWithItsPortals() {
        assertThat(discovery("All")).containsExactly(
                new TextParameter("TargetName", ALPHA),
                new TextParameter("TargetAddress", "10.0.0.1:3260,1"),
                new TextParameter("TargetAddress", "10.0.1.1:3260,1"),
                new TextParameter("TargetName", BETA),
                new TextParameter("TargetAddress", "[fd00::1]:3261,2"));
    }

    @Test
    void discoveryHidesTargetsTheInitiatorIsNotAdmittedTo() {
        assertThat(discovery("All")).doesNotContain(new TextParameter("TargetName", PRIVATE));
        assertThat(discovery(PRIVATE)).isEmpty();
        assertThat(negotiator.respond(keys("SendTargets=All"), SessionType.DISCOVERY, OTHER_INITIATOR, Optional.empty(),
                "10.0.0.1:3260")).contains(new TextParameter("TargetName", PRIVATE));
    }

    @Test
    void discoverySendTargetsByNameListsOnlyThatTarget() {
        assertThat(discovery(BETA)).containsExactly(
                new TextParameter("TargetName", BETA), new TextParameter("TargetAddress", "[fd00::1]:3261,2"));
        assertThat(discovery("iqn.2024-01.io.appliance:unknown")).isEmpty();
    }

    @Test
    void discoverySendTargetsEmptyListsNothing() {
        assertThat(discovery("")).isEmpty();
    }

    @Test
    void normalSessionOnlyEverSeesItsOwnTarget() {
        for (String value : List.of("All", "", ALPHA)) {
            List<TextParameter> response = negotiator.respond(keys("SendTargets=" + value), SessionType.NORMAL,
                    INITIATOR, Optional.of(alpha), "10.0.0.1:3260");

            assertThat(response).as("SendTargets=" + value).containsExactly(
                    new TextParameter("TargetName", ALPHA),
                    new TextParameter("TargetAddress", "10.0.0.1:3260,1"),
                    new TextParameter("TargetAddress", "10.0.1.1:3260,1"));
        }
        assertThat(negotiator.respond(keys("SendTargets=" + BETA), SessionType.NORMAL, INITIATOR, Optional.of(alpha),
                "10.0.0.1:3260")).isEmpty();
    }

    @Test
    void normalSessionReportsTheTargetsCurrentPortals() {
        registry.put(LoginFixture.openTarget(ALPHA, new Portal("10.0.0.2", 3260)));

        List<TextParameter> response = negotiator.respond(keys("SendTargets="), SessionType.NORMAL, INITIATOR,
                Optional.of(alpha), "10.0.0.1:3260");

        assertThat(response).containsExactly(
                new TextParameter("TargetName", ALPHA), new TextParameter("TargetAddress", "10.0.0.2:3260,1"));
    }

    @Test
    void wildcardPortalIsReportedWithTheConnectionsLocalAddress() {
        IscsiTarget wildcard = LoginFixture.openTarget(ALPHA, new Portal("0.0.0.0", 3260), new Portal("::", 3260));
        registry.put(wildcard);

        assertThat(negotiator.respond(keys("SendTargets=All"), SessionType.NORMAL, INITIATOR, Optional.of(wildcard),
                "192.168.5.5:3260")).containsExactly(
                        new TextParameter("TargetName", ALPHA), new TextParameter("TargetAddress", "192.168.5.5:3260,1"));
        assertThat(negotiator.respond(keys("SendTargets=All"), SessionType.NORMAL, INITIATOR, Optional.of(wildcard),
                "/fd00:0:0:0:0:0:0:7:3260")).containsExactly(
                        new TextParameter("TargetName", ALPHA),
                        new TextParameter("TargetAddress", "[fd00:0:0:0:0:0:0:7]:3260,1"));
        assertThat(negotiator.respond(keys("SendTargets=All"), SessionType.NORMAL, INITIATOR, Optional.of(wildcard),
                "[fd00::7]:3260")).contains(new TextParameter("TargetAddress", "[fd00::7]:3260,1"));
    }

    @Test
    void wildcardPortalWithoutUsableLocalAddressIsLeftOut() {
        IscsiTarget wildcard = LoginFixture.openTarget(ALPHA, new Portal("0.0.0.0", 3260));
        registry.put(wildcard);

        assertThat(negotiator.respond(keys("SendTargets=All"), SessionType.NORMAL, INITIATOR, Optional.of(wildcard),
                null)).containsExactly(new TextParameter("TargetName", ALPHA));
        assertThat(negotiator.respond(keys("SendTargets=All"), SessionType.NORMAL, INITIATOR, Optional.of(wildcard),
                "0.0.0.0:3260")).containsExactly(new TextParameter("TargetName", ALPHA));
    }

    @Test
    void loginOnlyKeysAreRejectedAndUnknownKeysNotUnderstood() {
        List<TextParameter> response = negotiator.respond(
                keys("MaxRecvDataSegmentLength=65536", "HeaderDigest=CRC32C", "MaxBurstLength=4096", "AuthMethod=None",
                        "TargetAlias=x", "InitiatorAlias=renamed", "X-com.example.k=1", "Frobnicate=1"),
                SessionType.NORMAL, INITIATOR, Optional.of(alpha), "10.0.0.1:3260");

        assertThat(response).containsExactly(
                new TextParameter("MaxRecvDataSegmentLength", "Reject"),
                new TextParameter("HeaderDigest", "Reject"),
                new TextParameter("MaxBurstLength", "Reject"),
                new TextParameter("AuthMethod", "Reject"),
                new TextParameter("TargetAlias", "Reject"),
                new TextParameter("X-com.example.k", "NotUnderstood"),
                new TextParameter("Frobnicate", "NotUnderstood"));
    }

    @Test
    void noTargetsGiveNoTargetNames() {
        TargetRegistry empty = new TargetRegistry();

        assertThat(new TextNegotiator(empty).respond(keys("SendTargets=All"), SessionType.DISCOVERY, INITIATOR,
                Optional.empty(), "10.0.0.1:3260")).isEmpty();
    }
}

package io.appliance.cluster.agent;

import static io.appliance.cluster.agent.ScriptedCommandRunner.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.config.cluster.PrimitiveDefinition;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class IpAddr2AgentTest {

    private static final String SHOW = "ip -j addr show dev c4a";
    private static final String ADD = "ip addr add 10.77.0.50/24 dev c4a";
    private static final String DEL = "ip addr del 10.77.0.50/24 dev c4a";
    private static final String ARPING = "arping -U -c 3 -I c4a 10.77.0.50";

    private final ScriptedCommandRunner runner = new ScriptedCommandRunner();

    private IpAddr2Agent agent(Map<String, String> extra) {
        Map<String, String> params = new HashMap<>(Map.of("ip", "10.77.0.50", "cidr_netmask", "24"));
        params.putAll(extra);
        return new IpAddr2Agent(PrimitiveDefinition.of("vip", "IPaddr2", params),
                new IpCommand(runner, Duration.ofSeconds(5)), new ArpingCommand(runner), Runnable::run);
    }

    private IpAddr2Agent agentOnC4a() {
        return agent(Map.of("nic", "c4a"));
    }

    @Test
    void startAddsTheAddressAndAnnouncesIt() throws Exception {
        runner.succeeds(SHOW, fixture("ip-addr-show-without-vip.json"))
                .succeeds(ADD)
                .succeeds(ARPING, fixture("arping-unsolicited.stdout"));
        IpAddr2Agent agent = agentOnC4a();

        assertThat(agent.start()).isEqualTo(AgentResult.ok());

        assertThat(runner.commandLines()).containsExactly(SHOW, ADD, ARPING);
        assertThat(agent.lastAnnouncement().get(1, TimeUnit.SECONDS).succeeded()).isTrue();
        assertThat(runner.calls().get(2).timeout()).isEqualTo(Duration.ofSeconds(6));
    }

    @Test
    void startIsOkWhenNewIproute2SaysTheAddressIsAlreadyAssigned() throws Exception {
        runner.succeeds(SHOW, fixture("ip-addr-show-without-vip.json"))
                .exits(ADD, 2, "", fixture("ip-addr-add-exists.stderr"))
                .succeeds(ARPING);

        assertThat(agentOnC4a().start().status()).isEqualTo(OcfStatus.OK);
        assertThat(fixture("ip-addr-add-exists.stderr")).contains("Address already assigned");
    }

    @Test
    void startIsOkWhenOldIproute2SaysFileExists() throws Exception {
        runner.succeeds(SHOW, fixture("ip-addr-show-without-vip.json"))
                .exits(ADD, 2, "", "RTNETLINK answers: File exists\n")
                .succeeds(ARPING);

        assertThat(agentOnC4a().start().status()).isEqualTo(OcfStatus.OK);
    }

    @Test
    void startOnAStartedAddressDoesNotAddItAgainButAnnouncesIt() throws Exception {
        runner.succeeds(SHOW, fixture("ip-addr-show-with-vip.json")).succeeds(ARPING);

        assertThat(agentOnC4a().start().status()).isEqualTo(OcfStatus.OK);
        assertThat(runner.commandLines()).containsExactly(SHOW, ARPING);
    }

    @Test
    void startFindsTheInterfaceWhoseSubnetHoldsTheAddress() throws Exception {
        runner.succeeds("ip -j route get 10.77.0.50", fixture("ip-route-get-connected.json"))
                .succeeds(SHOW, fixture("ip-addr-show-without-vip.json"))
                .succeeds(ADD)
                .succeeds(ARPING);

        assertThat(agent(Map.of()).start().status()).isEqualTo(OcfStatus.OK);
        assertThat(runner.commandLines()).contains(ADD);
    }

    @Test
    void startRefusesAnAddressReachedOnlyThroughAGateway() throws Exception {
        runner.succeeds("ip -j route get 10.77.0.50", fixture("ip-route-get-gateway.json"));

        AgentResult result = agent(Map.of()).start();

        assertThat(result.status()).isEqualTo(OcfStatus.ERR_CONFIGURED);
        assertThat(result.reason()).contains("no interface of this node has a subnet holding 10.77.0.50", "set the nic");
    }

    @Test
    void startRefusesAnUnreachableAddress() throws Exception {
        runner.exits("ip -j route get 10.77.0.50", 2, "", fixture("ip-route-get-unreachable.stderr"));

        assertThat(agent(Map.of()).start().status()).isEqualTo(OcfStatus.ERR_CONFIGURED);
    }

    @Test
    void startOnAMissingInterfaceIsNotConfigured() throws Exception {
        runner.exits("ip -j addr show dev nope", 1, "", fixture("ip-addr-show-no-device.stderr"));

        AgentResult result = agent(Map.of("nic", "nope")).start();

        assertThat(result.status()).isEqualTo(OcfStatus.ERR_CONFIGURED);
        assertThat(result.reason()).contains("interface nope does not exist");
    }

    @Test
    void startWithoutTheIpToolIsNotInstalled() throws Exception {
        runner.notInstalled(SHOW);

        AgentResult result = agentOnC4a().start();

        assertThat(result.status()).isEqualTo(OcfStatus.ERR_INSTALLED);
        assertThat(result.reason()).contains("apt-get install iproute2");
    }

    @Test
    void aRefusedAddIsAFailureWithTheToolsWords() throws Exception {
        runner.succeeds(SHOW, fixture("ip-addr-show-without-vip.json"))
                .exits(ADD, 2, "", "RTNETLINK answers: Operation not permitted\n");

        AgentResult result = agentOnC4a().start();

        assertThat(result.status()).isEqualTo(OcfStatus.ERR_GENERIC);
        assertThat(result.reason()).contains(ADD, "exit code 2", "Operation not permitted");
    }

    @Test
    void aFailedAnnouncementDoesNotFailTheStart() throws Exception {
        runner.succeeds(SHOW, fixture("ip-addr-show-without-vip.json"))
                .succeeds(ADD)
                .notInstalled(ARPING);
        IpAddr2Agent agent = agentOnC4a();

        assertThat(agent.start().status()).isEqualTo(OcfStatus.OK);
        assertThat(agent.lastAnnouncement().get(1, TimeUnit.SECONDS).outcome())
                .isEqualTo(CommandResult.Outcome.NOT_INSTALLED);
    }

    @Test
    void arpCountZeroSendsNoAnnouncement() throws Exception {
        runner.succeeds(SHOW, fixture("ip-addr-show-without-vip.json")).succeeds(ADD);

        assertThat(agent(Map.of("nic", "c4a", "arp_count", "0")).start().status()).isEqualTo(OcfStatus.OK);
        assertThat(runner.commandLines()).containsExactly(SHOW, ADD);
    }

    @Test
    void monitorSeesTheAddress() throws Exception {
        runner.succeeds(SHOW, fixture("ip-addr-show-with-vip.json"));

        assertThat(agentOnC4a().monitor().status()).isEqualTo(OcfStatus.OK);
    }

    @Test
    void monitorWithoutTheAddressIsNotRunning() throws Exception {
        runner.succeeds(SHOW, fixture("ip-addr-show-without-vip.json"));

        assertThat(agentOnC4a().monitor().status()).isEqualTo(OcfStatus.NOT_RUNNING);
    }

    @Test
    void monitorWithoutNicLooksAtEveryInterface() throws Exception {
        runner.succeeds("ip -j addr show", fixture("ip-addr-show-with-vip.json"));

        assertThat(agent(Map.of()).monitor().status()).isEqualTo(OcfStatus.OK);
    }

    @Test
    void stopRemovesTheAddressWithItsPrefix() throws Exception {
        runner.succeeds(SHOW, fixture("ip-addr-show-with-vip.json")).succeeds(DEL);

        assertThat(agentOnC4a().stop().status()).isEqualTo(OcfStatus.OK);
        assertThat(runner.commandLines()).containsExactly(SHOW, DEL);
    }

    @Test
    void stopOfAnAbsentAddressIsOkWithoutDeleting() throws Exception {
        runner.succeeds(SHOW, fixture("ip-addr-show-without-vip.json"));

        assertThat(agentOnC4a().stop().status()).isEqualTo(OcfStatus.OK);
        assertThat(runner.commandLines()).containsExactly(SHOW);
    }

    @Test
    void stopIsOkWhenTheAddressVanishedMeanwhile() throws Exception {
        runner.succeeds(SHOW, fixture("ip-addr-show-with-vip.json"))
                .exits(DEL, 2, "", fixture("ip-addr-del-absent.stderr"));

        assertThat(agentOnC4a().stop().status()).isEqualTo(OcfStatus.OK);
    }

    @Test
    void stopOnAMissingInterfaceIsOk() throws Exception {
        runner.exits("ip -j addr show dev nope", 1, "", fixture("ip-addr-show-no-device.stderr"));

        assertThat(agent(Map.of("nic", "nope")).stop().status()).isEqualTo(OcfStatus.OK);
    }
}

package io.appliance.cluster.agent;

import static io.appliance.cluster.agent.ScriptedCommandRunner.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.config.cluster.PrimitiveDefinition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PortBlockAgentTest {

    private static final String LIST = "nft -j list table inet appliance_portblock";
    private static final String ADD_TABLE = "nft add table inet appliance_portblock";
    private static final String ADD_CHAIN =
            "nft add chain inet appliance_portblock input { type filter hook input priority -10 ; policy accept ; }";
    private static final String ADD_RULE = "nft add rule inet appliance_portblock input ip daddr 10.77.0.50 tcp dport"
            + " { 3260, 2049-2050 } drop comment \"portblock:%s ip=10.77.0.50 tcp=3260,2049-2050\"";
    private static final String DELETE_RULE = "nft delete rule inet appliance_portblock input handle 3";

    private final ScriptedCommandRunner runner = new ScriptedCommandRunner();

    @TempDir
    Path state;

    private PortBlockAgent agent(String id, String action) {
        PrimitiveDefinition resource = PrimitiveDefinition.of(id, "portblock",
                Map.of("ip", "10.77.0.50", "portno", "3260,2049-2050", "action", action));
        return new PortBlockAgent(resource, new NftCommand(runner, Duration.ofSeconds(5)),
                state.resolve("portblock-" + id + ".state"));
    }

    @Test
    void blockStartCreatesTableChainAndDropRule() throws Exception {
        runner.exits(LIST, 1, "", fixture("nft-list-no-table.stderr"))
                .succeeds(ADD_TABLE).succeeds(ADD_CHAIN).succeeds(ADD_RULE.formatted("pb_block"));
        PortBlockAgent agent = agent("pb_block", "block");

        assertThat(agent.start()).isEqualTo(AgentResult.ok());

        assertThat(runner.commandLines()).containsExactly(LIST, ADD_TABLE, ADD_CHAIN, ADD_RULE.formatted("pb_block"));
        assertThat(runner.calls().get(3).argv()).endsWith("drop", "comment",
                "\"portblock:pb_block ip=10.77.0.50 tcp=3260,2049-2050\"");
        assertThat(agent.monitor().status()).isEqualTo(OcfStatus.OK);
    }

    @Test
    void blockStartAddsOnlyTheRuleWhenTheChainExists() throws Exception {
        runner.succeeds(LIST, fixture("nft-list-empty-chain.json")).succeeds(ADD_RULE.formatted("pb_block"));

        assertThat(agent("pb_block", "block").start().status()).isEqualTo(OcfStatus.OK);
        assertThat(runner.commandLines()).containsExactly(LIST, ADD_RULE.formatted("pb_block"));
    }

    @Test
    void blockStartWithTheRuleInPlaceAddsNothing() throws Exception {
        runner.succeeds(LIST, fixture("nft-list-one-rule.json"));

        assertThat(agent("pb_block", "block").start().status()).isEqualTo(OcfStatus.OK);
        assertThat(runner.commandLines()).containsExactly(LIST);
    }

    @Test
    void blockStopDeletesTheRuleByHandleAndMonitorThenSaysNotRunning() throws Exception {
        runner.succeeds(LIST, fixture("nft-list-one-rule.json"))
                .succeeds(DELETE_RULE);
        PortBlockAgent agent = agent("vip_block", "block");
        Files.writeString(state.resolve("portblock-vip_block.state"), "vip_block\n");

        assertThat(agent.stop().status()).isEqualTo(OcfStatus.OK);

        assertThat(runner.commandLines()).containsExactly(LIST, DELETE_RULE);
        assertThat(agent.monitor().status()).isEqualTo(OcfStatus.NOT_RUNNING);
    }

    @Test
    void unblockStartRemovesTheRuleTheBlockResourceAdded() throws Exception {
        runner.succeeds(LIST, fixture("nft-list-one-rule.json")).succeeds(DELETE_RULE);
        PortBlockAgent agent = agent("vip_unblock", "unblock");

        assertThat(agent.start().status()).isEqualTo(OcfStatus.OK);

        assertThat(runner.commandLines()).containsExactly(LIST, DELETE_RULE);
        assertThat(agent.monitor().status()).isEqualTo(OcfStatus.OK);
    }

    @Test
    void unblockStartWithoutATableIsOk() throws Exception {
        runner.exits(LIST, 1, "", fixture("nft-list-no-table.stderr"));

        assertThat(agent("vip_unblock", "unblock").start().status()).isEqualTo(OcfStatus.OK);
        assertThat(runner.commandLines()).containsExactly(LIST);
    }

    @Test
    void unblockStopBlocksAgain() throws Exception {
        runner.succeeds(LIST, fixture("nft-list-empty-chain.json")).succeeds(ADD_RULE.formatted("vip_unblock"));

        assertThat(agent("vip_unblock", "unblock").stop().status()).isEqualTo(OcfStatus.OK);
        assertThat(runner.commandLines()).containsExactly(LIST, ADD_RULE.formatted("vip_unblock"));
    }

    @Test
    void otherPortsAreNotTheSameRule() throws Exception {
        PrimitiveDefinition resource = PrimitiveDefinition.of("nfs_block", "portblock",
                Map.of("ip", "10.77.0.50", "portno", "2049", "protocol", "udp", "action", "block"));
        String addUdp = "nft add rule inet appliance_portblock input ip daddr 10.77.0.50 udp dport { 2049 } drop"
                + " comment \"portblock:nfs_block ip=10.77.0.50 udp=2049\"";
        runner.succeeds(LIST, fixture("nft-list-one-rule.json")).succeeds(addUdp);

        AgentResult result = new PortBlockAgent(resource, new NftCommand(runner, Duration.ofSeconds(5)),
                state.resolve("nfs.state")).start();

        assertThat(result.status()).isEqualTo(OcfStatus.OK);
        assertThat(runner.commandLines()).containsExactly(LIST, addUdp);
    }

    @Test
    void missingNftIsNotInstalledWithTheFix() throws Exception {
        runner.notInstalled(LIST);
        PortBlockAgent agent = agent("pb_block", "block");

        AgentResult result = agent.start();

        assertThat(result.status()).isEqualTo(OcfStatus.ERR_INSTALLED);
        assertThat(result.reason()).isEqualTo("nft is not installed: apt-get install nftables");
        assertThat(Files.exists(state.resolve("portblock-pb_block.state"))).isFalse();
    }

    @Test
    void missingPrivilegeIsErrPerm() throws Exception {
        runner.exits(LIST, 1, "", "Error: Operation not permitted\n");

        AgentResult result = agent("pb_block", "block").start();

        assertThat(result.status()).isEqualTo(OcfStatus.ERR_PERM);
        assertThat(result.reason()).contains("CAP_NET_ADMIN");
    }

    @Test
    void aHungNftIsAFailure() throws Exception {
        runner.timesOut(LIST);

        AgentResult result = agent("pb_block", "block").stop();

        assertThat(result.status()).isEqualTo(OcfStatus.ERR_GENERIC);
        assertThat(result.reason()).contains("timed out");
    }

    @Test
    void portMatchRejectsMalformedPorts() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new NftCommand.PortMatch("10.0.0.1", "tcp", "32;60"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3260,2049");
        assertThat(new NftCommand.PortMatch("fd00::5", "tcp", "3260, 3261").nftExpression())
                .isEqualTo(List.of("ip6", "daddr", "fd00::5", "tcp", "dport", "{ 3260, 3261 }"));
    }
}

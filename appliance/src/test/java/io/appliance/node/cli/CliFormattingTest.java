package io.appliance.node.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class CliFormattingTest {

    @Test
    void sizesUseTheLargestExactBinaryUnit() {
        assertThat(Sizes.format(1L << 30)).isEqualTo("1GiB");
        assertThat(Sizes.format(512L << 20)).isEqualTo("512MiB");
        assertThat(Sizes.format(1536)).isEqualTo("1536B");
        assertThat(Sizes.format(0)).isEqualTo("0B");
    }

    @Test
    void pathSegmentsKeepIscsiNamesAndEscapeTheRest() {
        assertThat(ApiClient.segment("iqn.2026-11.io.appliance:disk1")).isEqualTo("iqn.2026-11.io.appliance:disk1");
        assertThat(ApiClient.segment("a b/c?d")).isEqualTo("a%20b%2Fc%3Fd");
        assertThat(ApiClient.segment("é")).isEqualTo("%C3%A9");
    }

    @Test
    void tablesAlignColumnsAndShowMissingCellsAsDash() {
        StringWriter text = new StringWriter();
        new Table("NAME", "LUNS").row("short", 1).row("a-much-longer-name", null).print(new PrintWriter(text, true));
        assertThat(text.toString()).isEqualTo("""
                NAME                LUNS
                short               1
                a-much-longer-name  -
                """);
        assertThatThrownBy(() -> new Table("A").row("x", "y")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ringsPrintLikeCorosyncCfgtool() throws Exception {
        com.fasterxml.jackson.databind.JsonNode rings = new com.fasterxml.jackson.databind.ObjectMapper().readTree("""
                [{"ring": 0, "localAddress": "10.0.3.1", "faultFree": false, "peers": [
                    {"node": "node2", "heard": false, "silentMs": 5250}, {"node": "witness", "heard": true, "silentMs": 120}]},
                 {"ring": 1, "localAddress": "10.0.4.1", "faultFree": false, "peers": [
                    {"node": "node2", "heard": true, "silentMs": 0}, {"node": "witness", "heard": false, "silentMs": 0}]}]
                """);
        assertThat(ClusterCommands.renderRings(rings)).isEqualTo("""
                RING ID 0
                \tid\t= 10.0.3.1
                \tstatus\t= ring 0 FAULTY: node2 silent for 5.3 s
                RING ID 1
                \tid\t= 10.0.4.1
                \tstatus\t= ring 1 FAULTY: witness not heard
                """);
    }
}

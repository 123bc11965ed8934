package io.appliance.itest.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeConfigFileTest {

    @Test
    void writesPortalsSeedTargetsAclsAndTheRestConnector() {
        String yaml = NodeConfigFile.render("itest", Path.of("/tmp/x/state"), Path.of("/tmp/x/luns"), 3261, 8081,
                Map.of("loginTimeout", "3s"),
                List.of(SeedTarget.restricted("iqn.2026-11.io.appliance.itest:t", List.of(new SeedTarget.SeedLun(0, "32MiB")),
                        List.of(SeedTarget.SeedAcl.withChap("iqn.2026-11.io.appliance.itest:c", "user", "secret-0123456")))));

        assertThat(yaml)
                .contains("stateDirectory: \"/tmp/x/state\"\n")
                .contains("    - address: \"127.0.0.1\"\n      port: 3261\n  loginTimeout: 3s\n")
                .contains("      openAccess: false\n")
                .contains("          backingFile: \"/tmp/x/luns/itest-lun0.img\"\n          size: \"32MiB\"\n")
                .contains("        - initiator: \"iqn.2026-11.io.appliance.itest:c\"\n          chapUser: \"user\"\n")
                .doesNotContain("mutualChapUser")
                .contains("    bindHost: \"127.0.0.1\"\n    port: 8081\n");
    }

    @Test
    void quotingKeepsValuesFromChangingTheDocument() {
        assertThat(NodeConfigFile.quote("a\"b\\c: d")).isEqualTo("\"a\\\"b\\\\c: d\"");
        assertThatThrownBy(() -> NodeConfigFile.quote("line\nbreak")).isInstanceOf(IllegalArgumentException.class);
    }
}

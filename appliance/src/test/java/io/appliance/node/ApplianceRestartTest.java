package io.appliance.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.appliance.node.config.ApplianceConfiguration;
import io.appliance.node.lifecycle.ApplianceNode;
import io.dropwizard.core.Application;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.dropwizard.testing.ResourceHelpers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting a node twice on one state directory: the seed applies once, the token is generated once. */
class ApplianceRestartTest {

    private static final String SEEDED = "iqn.2026-11.io.appliance:test";

    @TempDir
    Path state;

    @Test
    void theSeedIsAppliedOnlyOnTheFirstStart() throws Exception {
        ByteArrayOutputStream firstConsole = new ByteArrayOutputStream();
        DropwizardTestSupport<ApplianceConfiguration> first = node(firstConsole);
        first.before();
        try {
            ApplianceNode node = ((ApplianceApplication) first.getApplication()).node();
            assertThat(node.targets().targets()).extracting(t -> t.record().name()).containsExactly(SEEDED);
            node.targets().deleteTarget(SEEDED);
        } finally {
            first.after();
        }
        assertThat(firstConsole.toString(StandardCharsets.UTF_8)).contains("New API token");

        ByteArrayOutputStream secondConsole = new ByteArrayOutputStream();
        DropwizardTestSupport<ApplianceConfiguration> second = node(secondConsole);
        second.before();
        try {
            ApplianceNode node = ((ApplianceApplication) second.getApplication()).node();
            assertThat(node.targets().targets()).isEmpty();
            assertThat(node.registry().all()).isEmpty();
            assertThat(node.boundPortals()).hasSize(1);
        } finally {
            second.after();
        }
        assertThat(secondConsole.toString(StandardCharsets.UTF_8)).contains("API token in:").doesNotContain("New API token");
    }

    @Test
    void aSeedThatCannotBeAppliedFailsTheStartAndLeavesNoTarget() throws Exception {
        Files.createDirectories(state.resolve("luns"));
        Files.write(state.resolve("luns/test-lun0.img"), new byte[4096]);
        DropwizardTestSupport<ApplianceConfiguration> failing = node(new ByteArrayOutputStream());
        try {
            assertThatThrownBy(failing::before).hasStackTraceContaining("cannot apply the configuration's seed")
                    .hasStackTraceContaining("exists with 4096 bytes");
        } finally {
            failing.after();
        }

        Files.delete(state.resolve("luns/test-lun0.img"));
        DropwizardTestSupport<ApplianceConfiguration> retry = node(new ByteArrayOutputStream());
        retry.before();
        try {
            ApplianceNode node = ((ApplianceApplication) retry.getApplication()).node();
            assertThat(node.targets().targets()).extracting(t -> t.record().name()).containsExactly(SEEDED);
        } finally {
            retry.after();
        }
    }

    private DropwizardTestSupport<ApplianceConfiguration> node(ByteArrayOutputStream console) {
        return new DropwizardTestSupport<>(ApplianceApplication.class, ResourceHelpers.resourceFilePath("app-test.yml"),
                ConfigOverride.config("stateDirectory", state.toString())) {
            @Override
            public Application<ApplianceConfiguration> newApplication() {
                return new ApplianceApplication(new PrintStream(console, true, StandardCharsets.UTF_8));
            }
        };
    }
}

package io.appliance.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServerArgumentsTest {

    @Test
    void withoutAFileTheEmbeddedDefaultIsUsed() {
        assertThat(ServerArguments.forDropwizard(new String[] {"server"}))
                .containsExactly("server", EmbeddedConfiguration.PATH);
        assertThat(ServerArguments.forDropwizard(new String[] {"check"}))
                .containsExactly("check", EmbeddedConfiguration.PATH);
    }

    @Test
    void configOptionsBecomeThePositionalFile() {
        assertThat(ServerArguments.forDropwizard(new String[] {"server", "--config", "node.yml"})).containsExactly("server", "node.yml");
        assertThat(ServerArguments.forDropwizard(new String[] {"server", "--config=node.yml"})).containsExactly("server", "node.yml");
        assertThat(ServerArguments.forDropwizard(new String[] {"check", "-c", "node.yml"})).containsExactly("check", "node.yml");
        assertThat(ServerArguments.forDropwizard(new String[] {"server", "node.yml"})).containsExactly("server", "node.yml");
    }

    @Test
    void helpPassesThroughWithoutAFile() {
        assertThat(ServerArguments.forDropwizard(new String[] {"server", "--help"})).containsExactly("server", "--help");
    }

    @Test
    void mistakesAreRefused() {
        assertThatThrownBy(() -> ServerArguments.forDropwizard(new String[] {"server", "--config"}))
                .hasMessage("--config needs a file");
        assertThatThrownBy(() -> ServerArguments.forDropwizard(new String[] {"server", "--config="}))
                .hasMessage("--config needs a file");
        assertThatThrownBy(() -> ServerArguments.forDropwizard(new String[] {"server", "a.yml", "--config", "b.yml"}))
                .hasMessageContaining("one configuration file");
    }
}

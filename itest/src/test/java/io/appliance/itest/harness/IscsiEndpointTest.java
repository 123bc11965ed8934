package io.appliance.itest.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IscsiEndpointTest {

    private final IscsiEndpoint endpoint = new IscsiEndpoint("127.0.0.1", 3261, "iqn.2026-11.io.appliance:t", 0);

    @Test
    void spellsUrlsTheWayLibiscsiParsesThem() {
        assertThat(endpoint.portalUrl()).isEqualTo("iscsi://127.0.0.1:3261");
        assertThat(endpoint.lunUrl()).isEqualTo("iscsi://127.0.0.1:3261/iqn.2026-11.io.appliance:t/0");
        assertThat(endpoint.lunUrl("u", "secret-0123"))
                .isEqualTo("iscsi://u%secret-0123@127.0.0.1:3261/iqn.2026-11.io.appliance:t/0");
        assertThat(endpoint.lunUrlWithMutualChap("u", "s1", "t", "s2"))
                .isEqualTo("iscsi://u%s1@127.0.0.1:3261/iqn.2026-11.io.appliance:t/0?target_user=t&target_password=s2");
    }

    @Test
    void refusesCredentialsThatWouldBreakTheUrl() {
        assertThatThrownBy(() -> endpoint.lunUrl("u", "pass@word")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> endpoint.lunUrl("u%x", "secret")).isInstanceOf(IllegalArgumentException.class);
    }
}

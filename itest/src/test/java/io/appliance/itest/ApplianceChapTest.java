package io.appliance.itest;

import io.appliance.itest.harness.ApplianceProcess;
import io.appliance.itest.harness.IscsiEndpoint;
import io.appliance.itest.harness.SeedTarget;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The CHAP tests against the appliance, its ACL seeded from the configuration file. */
class ApplianceChapTest extends ChapContract {

    private static final String TARGET = "iqn.2026-11.io.appliance.itest:chap";

    private ApplianceProcess appliance;

    @BeforeAll
    void startAppliance() throws IOException, InterruptedException {
        appliance = logs.watch(ApplianceProcess.start(List.of(SeedTarget.restricted(TARGET,
                List.of(new SeedTarget.SeedLun(0, "32MiB")),
                List.of(SeedTarget.SeedAcl.withMutualChap(INITIATOR, CHAP_USER, CHAP_SECRET, TARGET_USER, TARGET_SECRET))))));
    }

    @AfterAll
    void stopAppliance() {
        if (appliance != null) {
            appliance.close();
        }
    }

    @Override
    protected IscsiEndpoint endpoint() {
        return appliance.endpoint(TARGET, 0);
    }
}

package io.appliance.itest;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.itest.harness.ApplianceProcess;
import io.appliance.itest.harness.IscsiProbe;
import io.appliance.itest.harness.ProcessLogsOnFailure;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The harness's own iSCSI initiator against the node, with a file-backed LUN: one session stays
 * logged in while the LUN grows through REST, and that session sees CAPACITY DATA HAS CHANGED.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IscsiProbeTest {

    private static final String INITIATOR = "iqn.2026-11.io.appliance.itest:probe";
    private static final int SENSE_KEY_UNIT_ATTENTION = 0x6;
    private static final int CAPACITY_DATA_HAS_CHANGED = 0x2a09;

    @RegisterExtension
    final ProcessLogsOnFailure logs = new ProcessLogsOnFailure();

    private ApplianceProcess appliance;

    @BeforeAll
    void startAppliance() throws IOException, InterruptedException {
        appliance = logs.watch(ApplianceProcess.startWithOpenTarget("16MiB"));
    }

    @AfterAll
    void stopAppliance() {
        if (appliance != null) {
            appliance.close();
        }
    }

    @Test
    void readsTheCapacityOfTheLun() throws Exception {
        try (IscsiProbe probe = IscsiProbe.login(appliance.defaultEndpoint(), INITIATOR)) {
            UnitAttentions.clearStartupAttentions(probe);

            IscsiProbe.CommandOutcome capacity = probe.readCapacity16();

            assertThat(capacity.status()).as("%s", capacity).isEqualTo(IscsiProbe.STATUS_GOOD);
            assertThat(capacity.capacityBytes()).isEqualTo(16L << 20);
        }
    }

    @Test
    void aLoggedInSessionSeesCapacityDataHasChangedAfterTheLunGrows() throws Exception {
        String luns = "/targets/" + ApplianceProcess.DEFAULT_TARGET + "/luns";
        appliance.rest().post(luns, Map.of("lun", 1, "size", "16MiB")).expect(201);
        try (IscsiProbe probe = IscsiProbe.login(appliance.defaultEndpoint().withLun(1), INITIATOR)) {
            UnitAttentions.clearStartupAttentions(probe);

            appliance.rest().patch(luns + "/1", Map.of("size", "24MiB")).expect(200);
            IscsiProbe.CommandOutcome attention = probe.testUnitReady();
            IscsiProbe.CommandOutcome afterwards = probe.testUnitReady();
            IscsiProbe.CommandOutcome capacity = probe.readCapacity16();

            assertThat(attention.status()).as("%s", attention).isEqualTo(IscsiProbe.STATUS_CHECK_CONDITION);
            assertThat(attention.senseKey()).as("%s", attention).isEqualTo(SENSE_KEY_UNIT_ATTENTION);
            assertThat(attention.additionalSense()).as("%s", attention).isEqualTo(CAPACITY_DATA_HAS_CHANGED);
            assertThat(afterwards.status()).as("the attention is reported once: %s", afterwards).isEqualTo(IscsiProbe.STATUS_GOOD);
            assertThat(capacity.capacityBytes()).as("%s", capacity).isEqualTo(24L << 20);
        }
    }
}

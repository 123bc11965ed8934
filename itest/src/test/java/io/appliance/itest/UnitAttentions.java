package io.appliance.itest;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.itest.harness.IscsiProbe;
import java.io.IOException;

/** Helpers for tests that watch unit attentions on an {@link IscsiProbe} session. */
final class UnitAttentions {

    /** A new I_T nexus may first be told POWER ON/RESET or similar (SAM-5 §5.14); a few TURs report and clear them. */
    private static final int STARTUP_ATTENTION_LIMIT = 4;
    private static final int SENSE_KEY_UNIT_ATTENTION = 0x6;

    private UnitAttentions() {
    }

    /** Sends TEST UNIT READY until GOOD, accepting only unit attentions before it; fails otherwise. */
    static void clearStartupAttentions(IscsiProbe probe) throws IOException {
        IscsiProbe.CommandOutcome outcome = probe.testUnitReady();
        for (int attempt = 1; attempt < STARTUP_ATTENTION_LIMIT && outcome.status() != IscsiProbe.STATUS_GOOD; attempt++) {
            assertThat(outcome.senseKey()).as("before the first GOOD only unit attentions are expected: %s", outcome)
                    .isEqualTo(SENSE_KEY_UNIT_ATTENTION);
            outcome = probe.testUnitReady();
        }
        assertThat(outcome.status()).as("TEST UNIT READY on a fresh session: %s", outcome).isEqualTo(IscsiProbe.STATUS_GOOD);
    }
}

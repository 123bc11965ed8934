package io.appliance.iscsi.scsi;

import static io.appliance.iscsi.scsi.ScsiTestKit.cdb;
import static io.appliance.iscsi.scsi.ScsiTestKit.read10;
import static io.appliance.iscsi.scsi.ScsiTestKit.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReservationTest {

    private static final byte[] RESERVE6 = cdb(0x16, 0, 0, 0, 0, 0);
    private static final byte[] RELEASE6 = cdb(0x17, 0, 0, 0, 0, 0);
    private static final byte[] RESERVE10 = cdb(0x56, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    private static final byte[] RELEASE10 = cdb(0x57, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    private static final byte[] MODE_SENSE = cdb(0x1A, 0, 0x3F, 0, 255, 0);

    private final ScsiTestKit kit = new ScsiTestKit();
    private final ScsiNexusPort holder = kit.open("iqn.1994-05.com.example:holder");
    private final ScsiNexusPort other = kit.open("iqn.1994-05.com.example:other");

    @Test
    void twoInitiatorsFollowSpc2Rules() {
        run(holder, RESERVE6).isGood();
        run(holder, RESERVE6).isGood();
        assertThat(run(other, RESERVE6).status).isEqualTo(ScsiResult.RESERVATION_CONFLICT);
        run(other, RELEASE6).isGood();
        run(holder, MODE_SENSE).isGood();
        assertThat(run(other, MODE_SENSE).status).isEqualTo(ScsiResult.RESERVATION_CONFLICT);
        assertThat(run(other, read10(0, 1)).status).isEqualTo(ScsiResult.RESERVATION_CONFLICT);
        assertThat(run(other, cdb(0, 0, 0, 0, 0, 0)).status).isEqualTo(ScsiResult.RESERVATION_CONFLICT);
        run(other, cdb(0x12, 0, 0, 0, 96, 0)).isGood();
        run(other, cdb(0xA0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0)).isGood();
        run(other, cdb(0x03, 0, 0, 0, 18, 0)).isGood();
        run(holder, RELEASE6).isGood();
        run(other, RESERVE10).isGood();
        assertThat(run(holder, read10(0, 1)).status).isEqualTo(ScsiResult.RESERVATION_CONFLICT);
        run(other, RELEASE10).isGood();
        run(holder, read10(0, 1)).isGood();
    }

    @Test
    void thirdPartyAndExtentReservationsAreRefused() {
        run(holder, cdb(0x56, 0x10, 0, 0, 0, 0, 0, 0, 0, 0)).hasSense(0x05, 0x24, 0x00).hasFieldPointer(true, 1, 4);
        run(holder, cdb(0x16, 0x01, 0, 0, 0, 0)).hasSense(0x05, 0x24, 0x00).hasFieldPointer(true, 1, 0);
    }

    @Test
    void nexusLossReleasesOnlyThatNexussReservation() {
        run(holder, RESERVE6).isGood();
        other.nexusLost();
        assertThat(run(other, RESERVE6).status).isEqualTo(ScsiResult.RESERVATION_CONFLICT);
        holder.nexusLost();
        holder.nexusLost();
        run(other, RESERVE6).isGood();
    }

    @Test
    void logicalUnitResetReleasesTheReservation() throws Exception {
        run(holder, RESERVE6).isGood();
        other.logicalUnitReset(0).get(5, TimeUnit.SECONDS);
        run(holder, cdb(0, 0, 0, 0, 0, 0)).hasSense(0x06, 0x29, 0x00);
        run(other, cdb(0, 0, 0, 0, 0, 0)).hasSense(0x06, 0x29, 0x00);
        run(other, RESERVE6).isGood();
    }
}

package io.appliance.lvm;

import static io.appliance.lvm.ScriptedCommandRunner.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.lvm.LvmException.Reason;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every lvm2 failure captured on loop devices maps to its reason and an actionable message. */
class Lvm2ErrorsTest {

    private static final String VG = "aplvmtestfxvg";

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "vgs_missing          | NOT_FOUND          | pool nosuchvg does not exist: see `bin/appliance pool list`",
        "lvs_missing_vg       | NOT_FOUND          | `bin/appliance pool create nosuchvg DEVICE...`",
        "lvcreate_missing_vg  | NOT_FOUND          | pool nosuchvg does not exist",
        "vgextend_missing_vg  | NOT_FOUND          | pool nosuchvg does not exist",
        "lvs_missing_lv       | NOT_FOUND          | volume nosuch does not exist in pool aplvmtestfxvg: see `bin/appliance volume list aplvmtestfxvg`",
        "lvextend_missing     | NOT_FOUND          | volume nosuch does not exist in pool aplvmtestfxvg",
        "lvremove_missing     | NOT_FOUND          | volume nosuch does not exist in pool aplvmtestfxvg",
        "lvrename_missing     | NOT_FOUND          | volume nosuch does not exist in pool aplvmtestfxvg",
        "pvcreate_missing     | NOT_FOUND          | device /dev/aplvmtest-no-such-device does not exist: check the path",
        "lvcreate_exists      | ALREADY_EXISTS     | volume lv1 already exists in pool aplvmtestfxvg: pick another name",
        "lvrename_exists      | ALREADY_EXISTS     | volume lv1 already exists in pool aplvmtestfxvg",
        "vgcreate_exists      | ALREADY_EXISTS     | pool aplvmtestfxvg already exists: add devices to it with `bin/appliance pool extend aplvmtestfxvg DEVICE...`",
        "lvcreate_too_big     | INSUFFICIENT_SPACE | pool aplvmtestfxvg has 23 free extents; 1000 asked: add a device with `bin/appliance pool extend aplvmtestfxvg DEVICE`",
        "lvextend_too_big     | INSUFFICIENT_SPACE | pool aplvmtestfxvg has 6 free extents; 980 asked",
        "lvcreate_no_suitable | INSUFFICIENT_SPACE | pool aplvmtestfxvg lacks 2 suitable free extents for volume striped2",
        "pvcreate_in_vg       | DEVICE_IN_USE      | device /dev/loop0 is already a physical volume of aplvmtestfxvg",
        "vgextend_in_vg       | DEVICE_IN_USE      | device /dev/loop0 is already a physical volume of aplvmtestfxvg",
        "pvcreate_signature   | DEVICE_IN_USE      | device /dev/loop2 holds a ext4 signature (it has data): if that data is not needed, wipe it with `wipefs -a /dev/loop2`",
        "lvextend_smaller     | TOOL_FAILED        | failed with exit status 5: New size given (3 extents) not larger than existing size (20 extents)",
        "lvextend_same        | TOOL_FAILED        | New size (20 extents) matches existing size (20 extents).",
    })
    void mapsCapturedFailure(String fixture, Reason reason, String message) {
        LvmException mapped = Lvm2Errors.toException(List.of("lvm2-tool", "arg"), fixture(fixture), VG);

        assertThat(mapped.reason()).isEqualTo(reason);
        assertThat(mapped.getMessage()).contains(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // lvm2 2.03 lib/metadata/lv_manip.c wording for an LV held open (needs device-mapper, so not capturable here)
        "  Logical volume vg0/lv1 in use.                          | volume vg0/lv1 is open",
        "  Logical volume vg0/lv1 contains a filesystem in use.    | volume vg0/lv1 is open",
        "  Can't remove open logical volume \"lv1\".               | volume lv1 is open",
        "  Can't open /dev/sdb exclusively.  Mounted filesystem?   | device /dev/sdb is in use",
        "  Cannot use /dev/sdc: device is partitioned              | device /dev/sdc has a partition table",
    })
    void mapsDeviceInUseMessagesOfActivatedVolumes(String stderr, String message) {
        LvmException mapped = Lvm2Errors.toException(List.of("lvremove"), new CommandResult(5, "", stderr), "vg0");

        assertThat(mapped.reason()).isEqualTo(Reason.DEVICE_IN_USE);
        assertThat(mapped.getMessage()).contains(message);
    }

    @Test
    void unknownFailureKeepsLvm2WordsWithoutItsNoise() {
        CommandResult result = new CommandResult(5, "", fixture("lvcreate_lv1").stderr()
                + "  /run/lock/lvm/P_global:aux: open failed: Permission denied\n");

        LvmException mapped = Lvm2Errors.toException(List.of("lvcreate", "-l", "1"), result, VG);

        assertThat(mapped.reason()).isEqualTo(Reason.TOOL_FAILED);
        assertThat(mapped.getMessage())
                .startsWith("`lvcreate -l 1` failed with exit status 5: ")
                .contains("Permission denied")
                .doesNotContain("Activation disabled");
    }
}

package io.appliance.lvm;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LvmNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"vg0", "data_pool", "a+b", "x.y", "Vol-1", "snap", "p"})
    void acceptsLvm2Names(String name) {
        assertThatCode(() -> LvmNames.checkPoolName(name)).doesNotThrowAnyException();
        assertThatCode(() -> LvmNames.checkVolumeName(name)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-vg", ".", "..", "a b", "a/b", "vg:0", "é", "a\nb", "$(reboot)"})
    void refusesNamesLvm2Refuses(String name) {
        assertInvalid(() -> LvmNames.checkPoolName(name));
        assertInvalid(() -> LvmNames.checkVolumeName(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"snapshot", "snapshot1", "pvmove0", "lv_rimage_0", "data_tmeta", "x_mlog", "a_cdata"})
    void refusesReservedVolumeNames(String name) {
        assertInvalid(() -> LvmNames.checkVolumeName(name));
    }

    @Test
    void limitsLengthTo127() {
        assertThatCode(() -> LvmNames.checkPoolName("v".repeat(127))).doesNotThrowAnyException();
        assertInvalid(() -> LvmNames.checkPoolName("v".repeat(128)));
        assertThatThrownBy(() -> LvmNames.checkVolumeName("v".repeat(128))).hasMessageContaining("127");
    }

    @ParameterizedTest
    @ValueSource(strings = {"loop0", "-ff", "dev/sda", "/dev/sd\ta"})
    void refusesDevicesThatAreNotAbsolutePaths(String device) {
        assertInvalid(() -> LvmNames.checkDevicePath(device));
    }

    @Test
    void acceptsAbsoluteDevicePaths() {
        assertThatCode(() -> LvmNames.checkDevicePath("/dev/disk/by-path/pci-0000:00:1f.2-ata-1"))
                .doesNotThrowAnyException();
    }

    private static void assertInvalid(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(LvmException.class)
                .extracting(e -> ((LvmException) e).reason()).isEqualTo(LvmException.Reason.INVALID_ARGUMENT);
    }
}

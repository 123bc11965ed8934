package io.appliance.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.appliance.lvm.CommandResult;
import io.appliance.lvm.Lvm;
import io.appliance.lvm.LvmException;
import io.appliance.lvm.LvmException.Reason;
import io.appliance.lvm.device.VolumeAccess;
import io.appliance.node.model.NodeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LvmVolumeManagerTest {

    @Test
    void eachLvmReasonBecomesItsNodeException() {
        assertThat(LvmVolumeManager.translate("size", new LvmException(Reason.NOT_FOUND, "no vg9")))
                .isInstanceOf(NodeException.Unknown.class).hasMessage("no vg9");
        assertThat(LvmVolumeManager.translate("size", new LvmException(Reason.ALREADY_EXISTS, "exists")))
                .isInstanceOf(NodeException.Conflict.class);
        assertThat(LvmVolumeManager.translate("devices", new LvmException(Reason.DEVICE_IN_USE, "/dev/loop3 is mounted")))
                .isInstanceOf(NodeException.Conflict.class).hasMessage("/dev/loop3 is mounted");
        assertThat(LvmVolumeManager.translate("size", new LvmException(Reason.INSUFFICIENT_SPACE, "only 8 MiB free")))
                .isInstanceOf(NodeException.InsufficientSpace.class);
        assertThat(LvmVolumeManager.translate("size", new LvmException(Reason.INVALID_ARGUMENT, "too small")))
                .isInstanceOf(NodeException.InvalidFields.class).hasMessage("field 'size': too small");
        assertThat(LvmVolumeManager.translate("", new LvmException(Reason.INVALID_ARGUMENT, "bad")))
                .isInstanceOf(NodeException.ToolFailure.class);
        assertThat(LvmVolumeManager.translate("size", new LvmException(Reason.TOOL_MISSING, "install lvm2")))
                .isInstanceOf(NodeException.ToolMissing.class);
        assertThat(LvmVolumeManager.translate("size", new LvmException(Reason.TOOL_FAILED, "lvcreate: boom")))
                .isInstanceOf(NodeException.ToolFailure.class);
        assertThat(LvmVolumeManager.translate("size", new LvmException(Reason.TIMEOUT, "killed after 60s")))
                .isInstanceOf(NodeException.ToolFailure.class).hasMessage("killed after 60s");
    }

    @Test
    void withoutLvm2ThePoolsAnswerSaysSo() {
        List<List<String>> ran = new ArrayList<>();
        Lvm lvm = new Lvm((command, timeout) -> {
            ran.add(command);
            throw new LvmException(Reason.TOOL_MISSING, command.get(0) + " is not installed; install the lvm2 package");
        }, Duration.ofSeconds(5));
        LvmVolumeManager volumes = new LvmVolumeManager(lvm, VolumeAccess.EXTENT_MAP, Runnable::run);

        assertThatThrownBy(volumes::pools).isInstanceOf(NodeException.ToolMissing.class).hasMessageContaining("lvm2");
        assertThat(ran).isNotEmpty();
    }

    @Test
    void aFailingToolIsABadGatewayWithItsMessage() {
        Lvm lvm = new Lvm((command, timeout) -> new CommandResult(5, "", "  Internal error: metadata is damaged\n"),
                Duration.ofSeconds(5));
        LvmVolumeManager volumes = new LvmVolumeManager(lvm, VolumeAccess.EXTENT_MAP, Runnable::run);

        assertThatThrownBy(volumes::pools).isInstanceOf(NodeException.class)
                .isNotInstanceOf(NodeException.ToolMissing.class);
    }

    @Test
    void accessNamesAreTheConfigurationsWords() {
        assertThat(LvmVolumeManager.accessName(VolumeAccess.EXTENT_MAP)).isEqualTo("extent-map");
        assertThat(LvmVolumeManager.accessName(VolumeAccess.DEVICE_NODE)).isEqualTo("device-node");
    }
}

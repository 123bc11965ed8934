package io.appliance.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.iscsi.scsi.ItNexus;
import io.appliance.iscsi.scsi.ScsiCommand;
import io.appliance.iscsi.scsi.ScsiNexusPort;
import io.appliance.iscsi.scsi.ScsiResult;
import io.appliance.iscsi.scsi.ScsiTarget;
import io.appliance.node.NodeFixture;
import io.appliance.node.model.LunSpec;
import io.appliance.node.model.TargetSpec;
import io.dropwizard.util.DataSize;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Persistent reservations (SPC-4 §5.13) are part of the LUN: they survive a node restart. */
class TargetManagerReservationTest {

    private static final String TARGET = "iqn.2026-11.io.appliance:disk1";
    private static final UUID LUN_UUID = UUID.fromString("7a0c1d2e-3a4b-4c5d-8e6f-708192a3b4c5");
    private static final long KEY = 0x1234_5678_9ABC_DEF0L;

    @TempDir
    Path stateDirectory;

    private NodeFixture node;

    @BeforeEach
    void start() throws Exception {
        node = new NodeFixture(stateDirectory);
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    @Test
    void registrationsAndTheReservationSurviveARestart() throws Exception {
        node.manager().createTarget(new TargetSpec(TARGET, "", true));
        node.manager().createLun(TARGET, new LunSpec(0, DataSize.mebibytes(1), null, false, LUN_UUID));
        ScsiNexusPort holder = open("iqn.2026-11.test:holder");
        assertThat(execute(holder, prout(0x00, 0), parameters(0, KEY)).status()).isEqualTo(ScsiResult.GOOD);
        assertThat(execute(holder, prout(0x01, 0x03), parameters(KEY, 0)).status()).isEqualTo(ScsiResult.GOOD);
        assertThat(stateDirectory.resolve("reservations").resolve(LUN_UUID + ".pr")).isRegularFile();

        node.restart();

        ScsiNexusPort other = open("iqn.2026-11.test:other");
        assertThat(execute(other, read10(), null).status()).isEqualTo(ScsiResult.RESERVATION_CONFLICT);
        ScsiResult keys = execute(other, new byte[] {0x5E, 0x00, 0, 0, 0, 0, 0, 0x01, 0, 0}, null);
        byte[] data = ByteBufUtil.getBytes(keys.dataIn());
        keys.dataIn().release();
        assertThat(data).hasSize(16);
        assertThat(Unpooled.wrappedBuffer(data).getLong(8)).isEqualTo(KEY);
        ScsiNexusPort again = open("iqn.2026-11.test:holder");
        assertThat(execute(again, read10(), null).status()).isEqualTo(ScsiResult.GOOD);
    }

    @Test
    void deletingTheLunForgetsItsReservations() throws Exception {
        node.manager().createTarget(new TargetSpec(TARGET, "", true));
        node.manager().createLun(TARGET, new LunSpec(0, DataSize.mebibytes(1), null, false, LUN_UUID));
        assertThat(execute(open("iqn.2026-11.test:holder"), prout(0x00, 0), parameters(0, KEY)).status())
                .isEqualTo(ScsiResult.GOOD);
        Path file = stateDirectory.resolve("reservations").resolve(LUN_UUID + ".pr");
        assertThat(file).isRegularFile();

        node.manager().deleteLun(TARGET, 0, true);

        assertThat(file).doesNotExist();
    }

    private ScsiNexusPort open(String initiator) {
        ScsiTarget scsi = (ScsiTarget) node.registry().find(TARGET).orElseThrow().device();
        return scsi.openNexus(new ItNexus(initiator, 0x40_0000_0001L, TARGET, 1), Map.of());
    }

    private static byte[] prout(int serviceAction, int type) {
        return new byte[] {0x5F, (byte) serviceAction, (byte) type, 0, 0, 0, 0, 0, 24, 0};
    }

    private static byte[] parameters(long key, long serviceActionKey) {
        ByteBuf list = Unpooled.buffer(24);
        list.writeLong(key).writeLong(serviceActionKey).writeZero(8);
        byte[] bytes = ByteBufUtil.getBytes(list);
        list.release();
        return bytes;
    }

    private static byte[] read10() {
        return new byte[] {0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0};
    }

    private static ScsiResult execute(ScsiNexusPort port, byte[] cdb, byte[] dataOut) throws Exception {
        ByteBuf out = dataOut == null ? null : Unpooled.wrappedBuffer(dataOut);
        ScsiCommand command = new ScsiCommand(port.nexus(), 0, cdb, 1, ScsiCommand.TaskAttribute.SIMPLE, 65536, out);
        try {
            ScsiResult result = port.execute(command).get(10, TimeUnit.SECONDS);
            if (result.dataIn() != null && cdb[0] != 0x5E) {
                result.dataIn().release();
            }
            return result;
        } finally {
            if (out != null) {
                out.release();
            }
        }
    }
}

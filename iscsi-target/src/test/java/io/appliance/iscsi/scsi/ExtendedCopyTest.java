package io.appliance.iscsi.scsi;

import static io.appliance.iscsi.scsi.ScsiTestKit.BLOCK;
import static io.appliance.iscsi.scsi.ScsiTestKit.BLOCKS;
import static io.appliance.iscsi.scsi.ScsiTestKit.cdb;
import static io.appliance.iscsi.scsi.ScsiTestKit.pattern;
import static io.appliance.iscsi.scsi.ScsiTestKit.run;
import static io.appliance.iscsi.scsi.ScsiTestKit.write10;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ExtendedCopyTest {

    private static final int HOLD = 0;
    private static final int NO_HOLD = 2;

    private final ScsiTestKit kit = new ScsiTestKit();
    private final MemoryBlockDevice secondDevice = new MemoryBlockDevice(BLOCKS, BLOCK);
    private final LogicalUnit second = new LogicalUnit(
            LunIdentity.derive(UUID.fromString("1d2c3b4a-5f6e-4d7c-8b9a-0f1e2d3c4b5a")), secondDevice, false);
    private final ScsiNexusPort port;

    ExtendedCopyTest() {
        kit.target.addLun(1, second);
        port = kit.open("iqn.1994-05.com.example:a");
        // the LUN inventory change is reported once per unit; consume it
        run(port, 0, cdb(0x00, 0, 0, 0, 0, 0), null);
        run(port, 1, cdb(0x00, 0, 0, 0, 0, 0), null);
    }

    static byte[] extendedCopy(int parameterListLength) {
        byte[] cdb = new byte[16];
        cdb[0] = (byte) 0x83;
        Cdb.putInt(cdb, 10, parameterListLength);
        return cdb;
    }

    static byte[] receiveCopyResults(int serviceAction, int listId) {
        byte[] cdb = new byte[16];
        cdb[0] = (byte) 0x84;
        cdb[1] = (byte) serviceAction;
        cdb[2] = (byte) listId;
        Cdb.putInt(cdb, 10, 1024);
        return cdb;
    }

    /** An E4h identification CSCD descriptor naming a unit by its NAA designator. */
    static byte[] target(byte[] naa) {
        byte[] descriptor = new byte[32];
        descriptor[0] = (byte) 0xE4;
        descriptor[4] = 0x01;      // code set binary
        descriptor[5] = 0x03;      // association logical unit, designator type NAA
        descriptor[7] = (byte) naa.length;
        System.arraycopy(naa, 0, descriptor, 8, naa.length);
        descriptor[30] = (byte) (BLOCK >>> 8);
        descriptor[31] = (byte) BLOCK;
        return descriptor;
    }

    /** A 02h block→block segment descriptor. */
    static byte[] segment(int sourceIndex, int destinationIndex, int blocks, long sourceLba, long destinationLba) {
        byte[] descriptor = new byte[28];
        descriptor[0] = 0x02;
        Cdb.putShort(descriptor, 2, 0x18);
        Cdb.putShort(descriptor, 4, sourceIndex);
        Cdb.putShort(descriptor, 6, destinationIndex);
        Cdb.putShort(descriptor, 10, blocks);
        Cdb.putLong(descriptor, 12, sourceLba);
        Cdb.putLong(descriptor, 20, destinationLba);
        return descriptor;
    }

    static byte[] parameterList(int listId, int listIdUsage, byte[][] targets, byte[][] segments) {
        ByteArrayOutputStream targetBytes = new ByteArrayOutputStream();
        for (byte[] t : targets) {
            targetBytes.writeBytes(t);
        }
        ByteArrayOutputStream segmentBytes = new ByteArrayOutputStream();
        for (byte[] s : segments) {
            segmentBytes.writeBytes(s);
        }
        byte[] header = new byte[16];
        header[0] = (byte) listId;
        header[1] = (byte) (listIdUsage << 3);
        Cdb.putShort(header, 2, targetBytes.size());
        Cdb.putInt(header, 8, segmentBytes.size());
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        list.writeBytes(header);
        list.writeBytes(targetBytes.toByteArray());
        list.writeBytes(segmentBytes.toByteArray());
        return list.toByteArray();
    }

    private ScsiTestKit.Answer copy(ScsiNexusPort through, byte[] list) {
        return run(through, 0, extendedCopy(list.length), io.netty.buffer.Unpooled.wrappedBuffer(list));
    }

    private byte[] naa0() {
        return kit.unit.identity().naaIdentifier();
    }

    private byte[] naa1() {
        return second.identity().naaIdentifier();
    }

    @Test
    void copiesBlocksBetweenTwoUnitsOfTheTarget() {
        byte[] data = pattern(10 * BLOCK, 3);
        run(port, write10(10, 10), data).isGood();
        byte[] list = parameterList(1, NO_HOLD, new byte[][] {target(naa0()), target(naa1())},
                new byte[][] {segment(0, 1, 10, 10, 100)});
        ScsiTestKit.Answer answer = copy(port, list).isGood();
        assertThat(answer.transferLength).isEqualTo(list.length);
        assertThat(Arrays.copyOfRange(secondDevice.contents(), 100 * BLOCK, 110 * BLOCK)).isEqualTo(data);
        assertThat(Arrays.copyOfRange(secondDevice.contents(), 110 * BLOCK, 111 * BLOCK)).containsOnly(0);
    }

    @Test
    void copiesLargerThanOneChunkAndOverlappingWithinOneUnitLikeMemmove() {
        int blocks = ExtendedCopyHandler.CHUNK_BYTES / BLOCK + 300;
        MemoryBlockDevice bigDevice = new MemoryBlockDevice(2L * blocks, BLOCK);
        LogicalUnit big = new LogicalUnit(LunIdentity.derive(UUID.fromString("2e3d4c5b-6a7f-4e8d-9cab-1f2e3d4c5b6a")),
                bigDevice, false);
        kit.target.addLun(2, big);
        for (int lun = 0; lun <= 2; lun++) {
            run(port, lun, cdb(0x00, 0, 0, 0, 0, 0), null);
        }
        byte[] data = pattern(blocks * BLOCK, 41);
        System.arraycopy(data, 0, bigDevice.contents(), 0, data.length);
        byte[] list = parameterList(2, NO_HOLD, new byte[][] {target(big.identity().naaIdentifier())},
                new byte[][] {segment(0, 0, blocks, 0, 100)});
        copy(port, list).isGood();
        assertThat(Arrays.copyOfRange(bigDevice.contents(), 100 * BLOCK, (100 + blocks) * BLOCK)).isEqualTo(data);
    }

    @Test
    void aUnitTheNexusCannotAddressIsNotReachable() {
        ScsiNexusPort restricted = kit.target.openNexus(ScsiTestKit.nexus("iqn.1994-05.com.example:only0"), Map.of(0, 0));
        run(restricted, 0, cdb(0x00, 0, 0, 0, 0, 0), null);
        byte[] list = parameterList(1, NO_HOLD, new byte[][] {target(naa0()), target(naa1())},
                new byte[][] {segment(0, 1, 1, 0, 0)});
        copy(restricted, list).hasSense(0x0A, 0x0D, 0x02);
        byte[] unknown = naa1();
        unknown[15] ^= 1;
        copy(port, parameterList(1, NO_HOLD, new byte[][] {target(unknown)}, new byte[][] {segment(0, 0, 1, 0, 1)}))
                .hasSense(0x0A, 0x0D, 0x02);
        copy(port, parameterList(1, NO_HOLD, new byte[][] {target(naa0())}, new byte[][] {segment(0, 1, 1, 0, 1)}))
                .hasSense(0x0A, 0x0D, 0x02);
    }

    @Test
    void descriptorErrorsAreReportedBeforeAnythingIsCopied() {
        secondDevice.contents()[0] = 7;
        byte[][] one = {target(naa0())};
        byte[][] nine = new byte[CopyManager.MAX_TARGET_DESCRIPTORS + 1][];
        Arrays.fill(nine, target(naa0()));
        copy(port, parameterList(1, NO_HOLD, nine, new byte[][] {segment(0, 0, 1, 0, 1)})).hasSense(0x05, 0x26, 0x06);
        byte[][] segments = new byte[CopyManager.MAX_SEGMENT_DESCRIPTORS + 1][];
        Arrays.fill(segments, segment(0, 0, 1, 0, 1));
        copy(port, parameterList(1, NO_HOLD, one, segments)).hasSense(0x05, 0x26, 0x08);
        byte[] fibreChannel = target(naa0());
        fibreChannel[0] = (byte) 0xE0;
        copy(port, parameterList(1, NO_HOLD, new byte[][] {fibreChannel}, new byte[][] {segment(0, 0, 1, 0, 1)}))
                .hasSense(0x05, 0x26, 0x07);
        byte[] streamToStream = new byte[20];
        streamToStream[0] = 0x03;
        Cdb.putShort(streamToStream, 2, 0x10);
        copy(port, parameterList(1, NO_HOLD, one, new byte[][] {streamToStream})).hasSense(0x05, 0x26, 0x09);
        byte[] list = parameterList(1, NO_HOLD, one, new byte[][] {segment(0, 0, 1, 0, 1)});
        byte[] truncated = Arrays.copyOf(list, 16 + 31);
        copy(port, truncated).hasSense(0x05, 0x1A, 0x00);
        copy(port, parameterList(1, NO_HOLD, one, new byte[][] {segment(0, 0, 2, 0, BLOCKS - 1)})).hasSense(0x0A, 0x00, 0x00);
        assertThat(kit.device.reads.get()).as("nothing was read").isZero();
        assertThat(copy(port, new byte[0]).isGood().transferLength).isZero();
    }

    @Test
    void heldCopyStatusAndOperatingParametersAreReported() {
        run(port, receiveCopyResults(0, 5)).hasSense(0x05, 0x24, 0x00).hasFieldPointer(true, 2, -1);
        copy(port, parameterList(5, HOLD, new byte[][] {target(naa0()), target(naa1())},
                new byte[][] {segment(0, 1, 4, 0, 0), segment(1, 0, 2, 8, 50)})).isGood();
        byte[] status = run(port, receiveCopyResults(0, 5)).isGood().data;
        assertThat(status).hasSize(12);
        assertThat(status[4]).as("completed without error").isEqualTo((byte) CopyManager.STATUS_COMPLETED_GOOD);
        assertThat(Cdb.u16(status, 5)).as("segments processed").isEqualTo(2);
        assertThat(Cdb.u32(status, 8)).as("bytes").isEqualTo(6L * BLOCK);
        copy(port, parameterList(6, NO_HOLD, new byte[][] {target(naa0())}, new byte[][] {segment(0, 0, 1, 0, 1)})).isGood();
        run(port, receiveCopyResults(0, 6)).hasSense(0x05, 0x24, 0x00);

        byte[] parameters = run(port, receiveCopyResults(3, 0)).isGood().data;
        assertThat(Cdb.u32(parameters, 0)).isEqualTo(parameters.length - 4L);
        assertThat(Cdb.u16(parameters, 8)).isEqualTo(CopyManager.MAX_TARGET_DESCRIPTORS);
        assertThat(Cdb.u16(parameters, 10)).isEqualTo(CopyManager.MAX_SEGMENT_DESCRIPTORS);
        assertThat(Cdb.u32(parameters, 12)).isEqualTo(CopyManager.MAX_DESCRIPTOR_LIST_LENGTH);
        assertThat(Cdb.u32(parameters, 16)).isEqualTo(0xFFFFL * BLOCK);
        assertThat(parameters[43]).isEqualTo((byte) 2);
        assertThat(Arrays.copyOfRange(parameters, 44, 46)).containsExactly(0x02, 0xE4);
    }

    @Test
    void standardInquiryAndTheThirdPartyCopyPageAdvertiseTheCommands() {
        byte[] standard = run(port, cdb(0x12, 0, 0, 0, 96, 0)).isGood().data;
        assertThat(standard[5] & 0x08).as("3PC").isEqualTo(0x08);
        byte[] page = run(port, cdb(0x12, 1, 0x8F, 0, 255, 0)).isGood().data;
        assertThat(page[1]).isEqualTo((byte) 0x8F);
        assertThat(Cdb.u16(page, 2)).isEqualTo(page.length - 4);
        assertThat(Cdb.u16(page, 4)).as("Supported Commands descriptor").isEqualTo(1);
        assertThat(Cdb.u16(page, 6) % 4).isZero();
        assertThat(Arrays.copyOfRange(page, 8, 16)).containsExactly(7, 0x83, 1, 0x00, 0x84, 2, 0x00, 0x03);
    }
}

package io.appliance.iscsi.scsi;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Builds a target with in-memory units and runs CDBs against it synchronously (with a bound). */
final class ScsiTestKit {

    static final String TARGET_NAME = "iqn.2024-01.io.appliance:test";
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final int BLOCK = 512;
    static final long BLOCKS = 2048;

    final ScsiTarget target = new ScsiTarget(TARGET_NAME, 1, 7);
    final MemoryBlockDevice device = new MemoryBlockDevice(BLOCKS, BLOCK);
    final LogicalUnit unit;

    ScsiTestKit() {
        this(false);
    }

    ScsiTestKit(boolean readOnly) {
        unit = new LogicalUnit(LunIdentity.derive(UUID.fromString("0b9c4e3a-6f1d-4c2b-9a7e-5d3f2a1b0c9d")), device, readOnly);
        target.addLun(0, unit);
    }

    static ItNexus nexus(String initiator) {
        return new ItNexus(initiator, 0x23_0000_0001L, TARGET_NAME, 1);
    }

    ScsiNexusPort open(String initiator) {
        return target.openNexus(nexus(initiator), Map.of());
    }

    /** Runs a command and returns the answer; the caller releases it via {@link Answer#close()}. */
    static Answer run(ScsiNexusPort port, long lun, byte[] cdb, ByteBuf dataOut) {
        ScsiCommand command = new ScsiCommand(port.nexus(), lun, cdb, 1, ScsiCommand.TaskAttribute.SIMPLE, 65536, dataOut);
        try {
            CompletableFuture<ScsiResult> future = port.execute(command);
            return new Answer(future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        } catch (Exception e) {
            throw new AssertionError("command did not complete", e);
        } finally {
            if (dataOut != null) {
                dataOut.release();
            }
        }
    }

    static Answer run(ScsiNexusPort port, byte[] cdb) {
        return run(port, 0, cdb, null);
    }

    static Answer run(ScsiNexusPort port, byte[] cdb, byte[] dataOut) {
        return run(port, 0, cdb, Unpooled.wrappedBuffer(dataOut));
    }

    static byte[] cdb(int... bytes) {
        byte[] cdb = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            cdb[i] = (byte) bytes[i];
        }
        return cdb;
    }

    static byte[] read10(long lba, int blocks) {
        return cdb(0x28, 0, (int) (lba >>> 24), (int) (lba >>> 16), (int) (lba >>> 8), (int) lba, 0, blocks >>> 8, blocks, 0);
    }

    static byte[] write10(long lba, int blocks) {
        byte[] cdb = read10(lba, blocks);
        cdb[0] = 0x2A;
        return cdb;
    }

    static byte[] sixteen(int opcode, int flags, long lba, long blocks) {
        byte[] cdb = new byte[16];
        cdb[0] = (byte) opcode;
        cdb[1] = (byte) flags;
        Cdb.putLong(cdb, 2, lba);
        Cdb.putInt(cdb, 10, blocks);
        return cdb;
    }

    static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    /** Starts a command on LUN 0 without waiting; the Data-Out is released when it completes, as the transport does. */
    static CompletableFuture<ScsiResult> start(ScsiNexusPort port, byte[] cdb, byte[] dataOut) {
        ByteBuf data = Unpooled.wrappedBuffer(dataOut);
        ScsiCommand command = new ScsiCommand(port.nexus(), 0, cdb, 1, ScsiCommand.TaskAttribute.SIMPLE, 0, data);
        return port.execute(command).whenComplete((result, failure) -> data.release());
    }

    static byte[] pattern(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seed + i * 31 + (i >>> 9));
        }
        return bytes;
    }

    /** A completed command with its Data-In copied out and released. */
    static final class Answer {
        final int status;
        final byte[] sense;
        final byte[] data;
        final long transferLength;

        Answer(ScsiResult result) {
            this.status = result.status();
            this.sense = result.senseData();
            this.transferLength = result.transferLength();
            ByteBuf dataIn = result.dataIn();
            if (dataIn != null) {
                this.data = ByteBufUtil.getBytes(dataIn);
                dataIn.release();
            } else {
                this.data = null;
            }
        }

        Answer isGood() {
            assertThat(status).as("status (sense %s)", sense == null ? "none" : ByteBufUtil.hexDump(sense)).isZero();
            return this;
        }

        Answer hasSense(int key, int asc, int ascq) {
            assertThat(status).isEqualTo(ScsiResult.CHECK_CONDITION);
            assertThat(sense).isNotNull();
            assertThat(sense[0] & 0x7F).isEqualTo(0x70);
            assertThat(new int[] {sense[2] & 0x0F, sense[12] & 0xFF, sense[13] & 0xFF})
                    .as("sense key/ASC/ASCQ").containsExactly(key, asc, ascq);
            return this;
        }

        Answer hasFieldPointer(boolean inCdb, int byteOffset, int bit) {
            assertThat(sense[15] & 0x80).as("SKSV").isNotZero();
            assertThat((sense[15] & 0x40) != 0).as("C/D").isEqualTo(inCdb);
            if (bit >= 0) {
                assertThat(sense[15] & 0x0F).as("BPV and bit pointer").isEqualTo(0x08 | bit);
            } else {
                assertThat(sense[15] & 0x08).as("BPV").isZero();
            }
            assertThat(Cdb.u16(sense, 16)).as("field pointer").isEqualTo(byteOffset);
            return this;
        }

        long information() {
            assertThat(sense[0] & 0x80).as("VALID").isNotZero();
            return Cdb.u32(sense, 3);
        }
    }
}

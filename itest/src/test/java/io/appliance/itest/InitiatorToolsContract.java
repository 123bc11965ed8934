package io.appliance.itest;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.itest.harness.IscsiEndpoint;
import io.appliance.itest.harness.ProcessLogsOnFailure;
import io.appliance.itest.harness.Tool;
import io.appliance.itest.harness.ToolResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an initiator sees of a healthy target through libiscsi's tools and qemu: discovery and
 * LUN listing, READ CAPACITY(16), INQUIRY, and data written and read back at several offsets. The
 * same tests run against tgtd (proving the harness and the expectations) and against the appliance.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class InitiatorToolsContract {

    /** Size of the LUN under test. */
    protected static final long LUN_SIZE = 64L << 20;
    protected static final Duration TOOL_LIMIT = Duration.ofSeconds(60);

    private static final int PATTERN_SIZE = 16 << 20;
    private static final long OFFSET_WRITE_AT = (20L << 20) + 4096;
    private static final int OFFSET_WRITE_LENGTH = 65536;

    @RegisterExtension
    final ProcessLogsOnFailure logs = new ProcessLogsOnFailure();

    /** The LUN under test, with {@link #LUN_SIZE} bytes, open to any initiator. */
    protected abstract IscsiEndpoint endpoint();

    @Test
    void discoveryListsTheTargetAndTheLunWithItsSize() throws Exception {
        IscsiEndpoint lun = endpoint();
        long blockLength = InitiatorOutput.blockLength(readCapacity16(lun).stdout()).orElseThrow();

        ToolResult listing = Tool.of("iscsi-ls", "-s", lun.portalUrl()).timeout(TOOL_LIMIT).run();

        assertThat(listing.succeeded()).as(listing.describe()).isTrue();
        assertThat(listing.stdout()).as(listing.describe())
                .contains("Target:" + lun.targetName() + " Portal:127.0.0.1:" + lun.port());
        assertThat(InitiatorOutput.listedLuns(listing.stdout())).as(listing.describe())
                .contains(new InitiatorOutput.ListedLun(lun.lun(), "DIRECT_ACCESS",
                        InitiatorOutput.isciLsSizeText(LUN_SIZE, blockLength)));
    }

    @Test
    void readCapacity16ReportsTheLunSize() throws Exception {
        ToolResult capacity = readCapacity16(endpoint());

        assertThat(capacity.succeeded()).as(capacity.describe()).isTrue();
        assertThat(InitiatorOutput.totalSize(capacity.stdout())).as(capacity.describe()).hasValue(LUN_SIZE);
        assertThat(InitiatorOutput.blockLength(capacity.stdout()).orElseThrow()).isIn(512L, 4096L);
    }

    @Test
    void standardInquiryDescribesAConnectedDisk() throws Exception {
        ToolResult inquiry = Tool.of("iscsi-inq", endpoint().lunUrl()).timeout(TOOL_LIMIT).run();

        assertThat(inquiry.succeeded()).as(inquiry.describe()).isTrue();
        assertThat(inquiry.stdout()).as(inquiry.describe())
                .contains("Peripheral Qualifier:CONNECTED")
                .contains("Peripheral Device Type:DIRECT_ACCESS")
                .containsPattern("(?m)^Vendor:\\S")
                .containsPattern("(?m)^Product:\\S");
    }

    /** iscsi-inq reads its page code as a decimal integer: 128 is page 80h, 131 is page 83h. */
    @Test
    void vitalProductDataListsSerialAndDeviceIdentificationPages() throws Exception {
        ToolResult supported = Tool.of("iscsi-inq", "-e", "1", "-c", "0", endpoint().lunUrl()).timeout(TOOL_LIMIT).run();
        ToolResult serial = Tool.of("iscsi-inq", "-e", "1", "-c", "128", endpoint().lunUrl()).timeout(TOOL_LIMIT).run();
        ToolResult identification = Tool.of("iscsi-inq", "-e", "1", "-c", "131", endpoint().lunUrl()).timeout(TOOL_LIMIT).run();

        assertThat(supported.stdout()).as(supported.describe())
                .contains("Page:0x80 UNIT_SERIAL_NUMBER").contains("Page:0x83 DEVICE_IDENTIFICATION");
        assertThat(serial.succeeded()).as(serial.describe()).isTrue();
        assertThat(serial.stdout()).as(serial.describe()).containsPattern("Unit Serial Number:\\[\\s*\\S+\\]");
        assertThat(identification.succeeded()).as(identification.describe()).isTrue();
        assertThat(identification.stdout()).as(identification.describe()).contains("Designator Type:(3) NAA");
    }

    /**
     * qemu-img writes a 16 MiB random pattern through the iSCSI driver and reads the whole LUN
     * back; then qemu-io writes a pattern at an unaligned-to-the-pattern offset beyond it and
     * verifies it, and a second full read shows both regions and zeros elsewhere.
     */
    @Test
    void qemuWritesAndReadsBackEveryByte(@TempDir Path scratch) throws Exception {
        IscsiEndpoint lun = endpoint();
        byte[] pattern = new byte[PATTERN_SIZE];
        new Random(7143).nextBytes(pattern);
        Path source = scratch.resolve("pattern.raw");
        Files.write(source, pattern);

        ToolResult upload = Tool.of("qemu-img", "convert", "-f", "raw", "-O", "raw", source.toString(), lun.lunUrl())
                .timeout(TOOL_LIMIT).run();
        assertThat(upload.succeeded()).as(upload.describe()).isTrue();

        byte[] firstRead = download(lun, scratch.resolve("first.raw"));
        assertThat(firstRead).hasSize((int) LUN_SIZE);
        assertThat(Arrays.equals(firstRead, 0, PATTERN_SIZE, pattern, 0, PATTERN_SIZE))
                .as("the first 16 MiB read back equal the pattern written").isTrue();
        assertThat(allZero(firstRead, PATTERN_SIZE, firstRead.length)).as("the rest of the fresh LUN reads as zeros").isTrue();

        ToolResult compare = Tool.of("qemu-img", "compare", "-f", "raw", "-F", "raw", source.toString(), lun.lunUrl())
                .timeout(TOOL_LIMIT).run();
        assertThat(compare.exitCode()).as(compare.describe()).isZero();

        ToolResult offsetWrite = Tool.of("qemu-io", "-f", "raw",
                "-c", "write -P 0xa5 " + OFFSET_WRITE_AT + " " + OFFSET_WRITE_LENGTH,
                "-c", "read -P 0xa5 " + OFFSET_WRITE_AT + " " + OFFSET_WRITE_LENGTH,
                "-c", "read -P 0 " + (OFFSET_WRITE_AT + OFFSET_WRITE_LENGTH) + " 4096",
                lun.lunUrl()).timeout(TOOL_LIMIT).run();
        assertThat(offsetWrite.succeeded()).as(offsetWrite.describe()).isTrue();
        assertThat(offsetWrite.stdout()).as(offsetWrite.describe())
                .contains("wrote " + OFFSET_WRITE_LENGTH + "/" + OFFSET_WRITE_LENGTH + " bytes at offset " + OFFSET_WRITE_AT)
                .doesNotContain("Pattern verification failed");

        byte[] secondRead = download(lun, scratch.resolve("second.raw"));
        int writeStart = (int) OFFSET_WRITE_AT;
        int writeEnd = writeStart + OFFSET_WRITE_LENGTH;
        assertThat(Arrays.equals(secondRead, 0, PATTERN_SIZE, pattern, 0, PATTERN_SIZE)).as("pattern intact").isTrue();
        assertThat(allZero(secondRead, PATTERN_SIZE, writeStart)).as("zeros between pattern and offset write").isTrue();
        for (int i = writeStart; i < writeEnd; i++) {
            if (secondRead[i] != (byte) 0xa5) {
                throw new AssertionError("byte " + i + " is " + secondRead[i] + ", expected 0xa5 from the offset write");
            }
        }
        assertThat(allZero(secondRead, writeEnd, secondRead.length)).as("zeros after the offset write").isTrue();
    }

    protected static ToolResult readCapacity16(IscsiEndpoint lun) throws IOException, InterruptedException {
        return Tool.of("iscsi-readcapacity16", lun.lunUrl()).timeout(TOOL_LIMIT).run();
    }

    private static byte[] download(IscsiEndpoint lun, Path target) throws IOException, InterruptedException {
        ToolResult download = Tool.of("qemu-img", "convert", "-f", "raw", "-O", "raw", lun.lunUrl(), target.toString())
                .timeout(TOOL_LIMIT).run();
        assertThat(download.succeeded()).as(download.describe()).isTrue();
        return Files.readAllBytes(target);
    }

    private static boolean allZero(byte[] data, int from, int to) {
        for (int i = from; i < to; i++) {
            if (data[i] != 0) {
                return false;
            }
        }
        return true;
    }
}

package io.appliance.iscsi.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.appliance.iscsi.session.LeakWatch;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole target (IscsiServer, ScsiTarget, FileBlockDevice) against libiscsi's own tools and
 * conformance suite. Skipped where libiscsi-bin is not installed.
 */
@ExtendWith(LeakWatch.class)
class LibiscsiEndToEndTest {

    private static final Duration TOOL_LIMIT = Duration.ofMinutes(3);

    @TempDir
    static Path directory;
    private static LibiscsiTargetRunner target;

    @BeforeAll
    static void start() throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/iscsi-inq")), "libiscsi-bin is not installed");
        target = new LibiscsiTargetRunner(directory.resolve("lun0.img"), 64L << 20,
                new InetSocketAddress("127.0.0.1", 0), IscsiServerSettings.defaults());
    }

    @AfterAll
    static void stop() {
        if (target != null) {
            target.close();
        }
    }

    private record Outcome(int exitCode, String output) {
    }

    private static Outcome run(String... command) throws IOException, InterruptedException {
        Path log = Files.createTempFile(directory, "tool", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(TOOL_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(String.join(" ", command) + " did not finish within " + TOOL_LIMIT);
        }
        return new Outcome(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    @Test
    void discoveryInquiryAndCapacity() throws Exception {
        Outcome ls = run("iscsi-ls", "-s", "iscsi://127.0.0.1:" + target.address().getPort());
        assertThat(ls.exitCode()).as(ls.output()).isZero();
        assertThat(ls.output()).contains("Target:" + LibiscsiTargetRunner.TARGET).contains("Lun:0");
        Outcome inquiry = run("iscsi-inq", target.url());
        assertThat(inquiry.exitCode()).as(inquiry.output()).isZero();
        assertThat(inquiry.output()).contains("Peripheral Device Type:DIRECT_ACCESS");
        Outcome capacity = run("iscsi-readcapacity16", target.url());
        assertThat(capacity.exitCode()).as(capacity.output()).isZero();
        assertThat(capacity.output()).contains("Total size:" + (64L << 20));
    }

    @Test
    void theIscsiConformanceFamilyPasses() throws Exception {
        Outcome outcome = run("iscsi-test-cu", "-d", "-t", "iSCSI", target.url());
        Matcher summary = Pattern.compile("tests\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)").matcher(outcome.output());
        assertThat(summary.find()).as(outcome.output()).isTrue();
        assertThat(Integer.parseInt(summary.group(1))).as("tests run").isGreaterThanOrEqualTo(15);
        assertThat(Integer.parseInt(summary.group(4))).as("failed tests\n" + failures(outcome.output())).isZero();
    }

    @Test
    void largeWritesReadBackIdentically() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/qemu-img")), "qemu-utils is not installed");
        Path source = directory.resolve("source.img");
        byte[] data = new byte[8 << 20];
        new Random(11).nextBytes(data);
        Files.write(source, data);
        Outcome write = run("qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", source.toString(), target.url());
        assertThat(write.exitCode()).as(write.output()).isZero();
        Outcome compare = run("qemu-img", "compare", "-f", "raw", "-F", "raw", source.toString(), target.url());
        assertThat(compare.exitCode()).as(compare.output()).isZero();
        assertThat(compare.output()).contains("Images are identical");
    }

    private static String failures(String output) {
        List<String> lines = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (line.contains("FAILED") || line.contains("Test:")) {
                lines.add(line);
            }
        }
        return String.join("\n", lines);
    }
}

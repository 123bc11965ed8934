package io.appliance.itest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.appliance.itest.harness.ApplianceProcess;
import io.appliance.itest.harness.ApplianceRest;
import io.appliance.itest.harness.ExtentMapReader;
import io.appliance.itest.harness.IscsiEndpoint;
import io.appliance.itest.harness.IscsiProbe;
import io.appliance.itest.harness.LoopDevices;
import io.appliance.itest.harness.Lvm2;
import io.appliance.itest.harness.ProcessLogsOnFailure;
import io.appliance.itest.harness.RepositoryLayout;
import io.appliance.itest.harness.SeedTarget;
import io.appliance.itest.harness.Tool;
import io.appliance.itest.harness.ToolResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pools and volumes with the real lvm2 tools on loop devices: the appliance carves LVs for LUNs,
 * the bytes an initiator writes land where lvm2's own extent map says, an online extend reaches a
 * logged-in initiator, LVs made by hand are usable, {@code lvs} agrees with the API, and bad
 * requests leave nothing half-done. Each test has its own node and its own loop devices.
 */
class ApplianceLvmTest {

    private static final long MIB = 1L << 20;
    private static final long EXTENT = 4 * MIB;
    private static final Duration TOOL_LIMIT = Duration.ofSeconds(120);
    private static final String TARGET = ApplianceProcess.DEFAULT_TARGET;
    private static final String LUNS = "/targets/" + TARGET + "/luns";
    /** What the node names an LV it carves for LUN 1 of the seeded target (alias {@code itest}). */
    private static final String CARVED_LUN1 = "itest-lun1";
    private static final String INITIATOR = "iqn.2026-11.io.appliance.itest:lvm-probe";
    private static final int SENSE_KEY_UNIT_ATTENTION = 0x6;
    private static final int CAPACITY_DATA_HAS_CHANGED = 0x2a09;

    @RegisterExtension
    final ProcessLogsOnFailure logs = new ProcessLogsOnFailure();

    private LoopDevices loops;
    private ApplianceProcess appliance;
    private ApplianceRest rest;

    @BeforeAll
    static void requireRootAndLvm2() {
        LoopDevices.assumeUsable();
    }

    @BeforeEach
    void startNodeAndDevices() throws IOException, InterruptedException {
        loops = LoopDevices.create();
        appliance = logs.watch(ApplianceProcess.start(List.of(SeedTarget.open(TARGET, new SeedTarget.SeedLun(0, "8MiB"))),
                Map.of(), Map.of("access", "auto", "commandTimeout", "60s")));
        rest = appliance.rest();
    }

    @AfterEach
    void stopNodeThenReleaseDevices() throws IOException, InterruptedException {
        try {
            if (appliance != null) {
                logs.forget(appliance);
                appliance.close();
            }
        } finally {
            if (loops != null) {
                loops.close();
            }
        }
    }

    @Test
    void aCarvedLunSpanningBothDevicesHoldsEveryByteWhereTheExtentMapSays(@TempDir Path scratch) throws Exception {
        Pool pool = twoDevicePool();
        assertThat(Lvm2.volumeGroupFields(pool.name()).path("pv_count").asInt()).isEqualTo(2);
        assertThat(Lvm2.extentStarts(pool.name())).containsOnlyKeys(pool.small(), pool.large());

        // 10 extents: more than either device has free, so the LV must have a segment on each
        JsonNode lun = rest.post(LUNS, Map.of("lun", 1, "pool", pool.name(), "size", "40MiB")).expect(201);
        assertThat(lun.path("size").asLong()).as("%s", lun).isEqualTo(40 * MIB);
        assertThat(lun.path("backing").path("type").asText()).as("%s", lun).isEqualTo("volume");
        assertThat(lun.path("backing").path("pool").asText()).as("%s", lun).isEqualTo(pool.name());
        assertThat(lun.path("backing").path("volume").asText()).as("%s", lun).isEqualTo(CARVED_LUN1);
        if (!kernelHasDeviceMapper()) {
            assertThat(lun.path("backing").path("access").asText()).as("auto without device-mapper: %s", lun).isEqualTo("extent-map");
        }
        ExtentMapReader map = ExtentMapReader.of(pool.name(), CARVED_LUN1);
        assertThat(map.volume().segments()).as("segments of %s", CARVED_LUN1).hasSizeGreaterThanOrEqualTo(2)
                .extracting(Lvm2.SegmentRow::device).containsOnly(pool.small(), pool.large());

        byte[] pattern = randomBytes(40 * MIB, 2026);
        Path source = scratch.resolve("pattern.raw");
        Files.write(source, pattern);
        IscsiEndpoint endpoint = appliance.endpoint(TARGET, 1);
        ToolResult upload = Tool.of("qemu-img", "convert", "-f", "raw", "-O", "raw", source.toString(), endpoint.lunUrl())
                .timeout(TOOL_LIMIT).run();
        assertThat(upload.succeeded()).as(upload.describe()).isTrue();

        for (Lvm2.SegmentRow segment : map.volume().segments()) {
            long start = segment.lvStartExtent() * EXTENT;
            int length = (int) (segment.extentCount() * EXTENT);
            assertSameBytes(map.read(start, length), pattern, start,
                    "segment " + segment + " read from " + map.locate(start));
        }
    }

    @Test
    void extendingOnlineGrowsTheLunAndTellsTheLoggedInInitiator() throws Exception {
        Pool pool = twoDevicePool();
        rest.post(LUNS, Map.of("lun", 1, "pool", pool.name(), "size", "32MiB")).expect(201);
        IscsiEndpoint endpoint = appliance.endpoint(TARGET, 1);

        try (IscsiProbe probe = IscsiProbe.login(endpoint, INITIATOR)) {
            UnitAttentions.clearStartupAttentions(probe);
            assertThat(probe.readCapacity16().capacityBytes()).isEqualTo(32 * MIB);

            JsonNode extended = rest.patch(volumePath(pool, CARVED_LUN1), Map.of("size", "48MiB")).expect(200);
            assertThat(extended.path("size").asLong()).as("%s", extended).isEqualTo(48 * MIB);

            IscsiProbe.CommandOutcome attention = probe.testUnitReady();
            assertThat(attention.status()).as("%s", attention).isEqualTo(IscsiProbe.STATUS_CHECK_CONDITION);
            assertThat(attention.senseKey()).as("%s", attention).isEqualTo(SENSE_KEY_UNIT_ATTENTION);
            assertThat(attention.additionalSense()).as("%s", attention).isEqualTo(CAPACITY_DATA_HAS_CHANGED);
            IscsiProbe.CommandOutcome capacity = probe.readCapacity16();
            assertThat(capacity.status()).as("%s", capacity).isEqualTo(IscsiProbe.STATUS_GOOD);
            assertThat(capacity.capacityBytes()).isEqualTo(48 * MIB);
        }

        ToolResult readCapacity = Tool.of("iscsi-readcapacity16", endpoint.lunUrl()).timeout(TOOL_LIMIT).run();
        assertThat(readCapacity.succeeded()).as(readCapacity.describe()).isTrue();
        assertThat(InitiatorOutput.totalSize(readCapacity.stdout())).as(readCapacity.describe()).hasValue(48 * MIB);
        assertThat(Lvm2.volumes(pool.name()).get(CARVED_LUN1).sizeBytes()).isEqualTo(48 * MIB);

        long newEnd = 44 * MIB;
        int endLength = (int) (4 * MIB);
        ToolResult write = Tool.of("qemu-io", "-f", "raw", "-c", "write -P 0xa5 " + newEnd + " " + endLength, endpoint.lunUrl())
                .timeout(TOOL_LIMIT).run();
        assertThat(write.succeeded()).as(write.describe()).isTrue();
        assertThat(write.stdout()).as(write.describe()).contains("wrote " + endLength + "/" + endLength);
        ExtentMapReader map = ExtentMapReader.of(pool.name(), CARVED_LUN1);
        byte[] expected = new byte[endLength];
        Arrays.fill(expected, (byte) 0xa5);
        assertSameBytes(map.read(newEnd, endLength), expected, 0, "the new last extent at " + map.locate(newEnd));
    }

    @Test
    void aVolumeGroupAndVolumeMadeByHandAreListedAndTheVolumeBacksALun() throws Exception {
        String first = loops.attach(32 * MIB);
        String second = loops.attach(32 * MIB);
        String volumeGroup = loops.volumeGroupName();
        Lvm2.runSuccessfully("vgcreate", "-s", "4M", volumeGroup, first, second);
        Lvm2.createVolumeByHand(volumeGroup, "manual", "8M");

        JsonNode pools = rest.get("/pools").expect(200);
        assertThat(names(pools)).contains(volumeGroup);
        JsonNode adopted = rest.get("/pools/" + volumeGroup).expect(200);
        assertThat(adopted.path("extentSize").asLong()).isEqualTo(EXTENT);
        assertThat(adopted.path("volumes").asInt()).isEqualTo(1);
        assertThat(texts(adopted.path("devices"))).containsExactlyInAnyOrder(first, second);
        JsonNode volumes = rest.get("/pools/" + volumeGroup + "/volumes").expect(200);
        JsonNode manual = byName(volumes, "manual");
        assertThat(manual.path("size").asLong()).as("%s", manual).isEqualTo(8 * MIB);
        assertThat(manual.path("usedBy").isNull()).as("%s", manual).isTrue();

        JsonNode lun = rest.post(LUNS, Map.of("lun", 1, "volume", volumeGroup + "/manual")).expect(201);
        assertThat(lun.path("size").asLong()).as("%s", lun).isEqualTo(8 * MIB);
        assertThat(lun.path("backing").path("volume").asText()).as("%s", lun).isEqualTo("manual");
        assertThat(byName(rest.get("/pools/" + volumeGroup + "/volumes").expect(200), "manual").path("usedBy").asText())
                .contains(TARGET);

        IscsiEndpoint endpoint = appliance.endpoint(TARGET, 1);
        ToolResult readCapacity = Tool.of("iscsi-readcapacity16", endpoint.lunUrl()).timeout(TOOL_LIMIT).run();
        assertThat(InitiatorOutput.totalSize(readCapacity.stdout())).as(readCapacity.describe()).hasValue(8 * MIB);
        int length = (int) MIB;
        ToolResult write = Tool.of("qemu-io", "-f", "raw", "-c", "write -P 0x3c 0 " + length, endpoint.lunUrl())
                .timeout(TOOL_LIMIT).run();
        assertThat(write.succeeded()).as(write.describe()).isTrue();
        byte[] expected = new byte[length];
        Arrays.fill(expected, (byte) 0x3c);
        assertSameBytes(ExtentMapReader.of(volumeGroup, "manual").read(0, length), expected, 0, "manual's first MiB");
    }

    @Test
    void lvsShowsWhatTheApplianceMadeAndRenamedAndRemoved() throws Exception {
        Pool pool = twoDevicePool();
        JsonNode data = rest.post(volumesPath(pool), Map.of("name", "data", "size", "10MiB")).expect(201);
        assertThat(data.path("size").asLong()).as("10 MiB rounded up to whole 4 MiB extents: %s", data).isEqualTo(12 * MIB);
        rest.post(volumesPath(pool), Map.of("name", "scratch", "size", "4MiB")).expect(201);
        rest.post(LUNS, Map.of("lun", 1, "pool", pool.name(), "size", "8MiB")).expect(201);

        assertApiMatchesLvm(pool);

        rest.patch(volumePath(pool, "data"), Map.of("name", "data2")).expect(200);
        ApplianceRest.Response renameInUse = rest.patch(volumePath(pool, CARVED_LUN1), Map.of("name", "other"));
        assertThat(renameInUse.status()).as(renameInUse.body()).isEqualTo(409);
        ApplianceRest.Response removed = rest.delete(volumePath(pool, "scratch"));
        assertThat(removed.status()).as(removed.body()).isBetween(200, 299);

        assertThat(Lvm2.volumes(pool.name())).containsOnlyKeys("data2", CARVED_LUN1);
        assertApiMatchesLvm(pool);
    }

    @Test
    void volumeRequestsThatCannotBeMetAreRefusedAndLeaveNoVolumeBehind() throws Exception {
        Pool pool = twoDevicePool();
        rest.post(volumesPath(pool), Map.of("name", "taken", "size", "4MiB")).expect(201);
        rest.post(LUNS, Map.of("lun", 1, "pool", pool.name(), "size", "8MiB")).expect(201);
        List<String> before = List.copyOf(Lvm2.volumes(pool.name()).keySet());

        ApplianceRest.Response duplicate = rest.post(volumesPath(pool), Map.of("name", "taken", "size", "4MiB"));
        assertThat(duplicate.status()).as(duplicate.body()).isEqualTo(409);

        ApplianceRest.Response tooLarge = rest.post(volumesPath(pool), Map.of("name", "huge", "size", "1GiB"));
        assertThat(tooLarge.status()).as(tooLarge.body()).isBetween(400, 499);
        assertThat(tooLarge.body()).contains("size");

        ApplianceRest.Response lunTooLarge = rest.post(LUNS, Map.of("lun", 2, "pool", pool.name(), "size", "1GiB"));
        assertThat(lunTooLarge.status()).as(lunTooLarge.body()).isBetween(400, 499);
        assertThat(lunTooLarge.body()).contains("size");

        // LUN 0 exists already: the LUN cannot be made, and an LV carved for it must be gone again
        ApplianceRest.Response lunTaken = rest.post(LUNS, Map.of("lun", 0, "pool", pool.name(), "size", "4MiB", "volumeName", "orphan"));
        assertThat(lunTaken.status()).as(lunTaken.body()).isBetween(400, 499);

        ApplianceRest.Response removeInUse = rest.delete(volumePath(pool, CARVED_LUN1));
        assertThat(removeInUse.status()).as(removeInUse.body()).isEqualTo(409);

        assertThat(rest.get("/pools/" + loops.volumeGroupName()).status()).isEqualTo(404);
        assertThat(rest.post("/pools/" + loops.volumeGroupName() + "/volumes", Map.of("name", "x", "size", "4MiB")).status())
                .isEqualTo(404);
        // the LUN resource exists; what is missing is the pool its body names
        ApplianceRest.Response lunOnMissingPool = rest.post(LUNS, Map.of("lun", 3, "pool", loops.volumeGroupName(), "size", "4MiB"));
        assertThat(lunOnMissingPool.status()).as(lunOnMissingPool.body()).isBetween(400, 499);
        assertThat(lunOnMissingPool.body()).contains("pool");

        assertThat(Lvm2.volumes(pool.name()).keySet()).as("no LV made or lost by refused requests").containsExactlyElementsOf(before);
    }

    @Test
    void devicesThatAreAlreadyPhysicalVolumesOrMissingAreRefused() throws Exception {
        String foreign = loops.attach(16 * MIB);
        String foreignGroup = loops.volumeGroupName();
        Lvm2.runSuccessfully("vgcreate", foreignGroup, foreign);
        String wanted = loops.volumeGroupName();

        ApplianceRest.Response inUse = rest.post("/pools", Map.of("name", wanted, "devices", List.of(foreign)));
        assertThat(inUse.status()).as(inUse.body()).isBetween(400, 499);
        assertThat(inUse.body()).contains(foreign);

        String missingDevice = "/dev/" + LoopDevices.PREFIX_FAMILY + "-no-such-device";
        ApplianceRest.Response missing = rest.post("/pools", Map.of("name", wanted, "devices", List.of(missingDevice)));
        assertThat(missing.status()).as(missing.body()).isBetween(400, 499);
        assertThat(missing.body()).contains(missingDevice);

        Pool pool = twoDevicePool();
        ApplianceRest.Response extendWithForeign = rest.patch("/pools/" + pool.name(), Map.of("addDevices", List.of(foreign)));
        assertThat(extendWithForeign.status()).as(extendWithForeign.body()).isBetween(400, 499);
        assertThat(extendWithForeign.body()).contains(foreign);

        assertThat(Lvm2.volumeGroupNames()).doesNotContain(wanted);
        assertThat(Lvm2.volumeGroupOf(foreign)).isEqualTo(foreignGroup);
        assertThat(Lvm2.volumeGroupFields(pool.name()).path("pv_count").asInt()).isEqualTo(2);
    }

    @Test
    void theCliListsPoolsAndVolumesAndCreatesAVolume(@TempDir Path workingDirectory) throws Exception {
        Pool pool = twoDevicePool();
        rest.post(volumesPath(pool), Map.of("name", "listed", "size", "4MiB")).expect(201);

        ToolResult pools = cli(workingDirectory, "pool", "list");
        assertThat(pools.succeeded()).as(pools.describe()).isTrue();
        assertThat(pools.stdout()).as(pools.describe()).contains(pool.name());

        ToolResult created = cli(workingDirectory, "volume", "create", pool.name(), "bycli", "--size", "8MiB");
        assertThat(created.succeeded()).as(created.describe()).isTrue();
        assertThat(Lvm2.volumes(pool.name()).get("bycli")).isNotNull()
                .extracting(Lvm2.LogicalVolumeMap::sizeBytes).isEqualTo(8 * MIB);

        ToolResult volumes = cli(workingDirectory, "volume", "list", pool.name());
        assertThat(volumes.succeeded()).as(volumes.describe()).isTrue();
        assertThat(volumes.stdout()).as(volumes.describe()).contains("listed").contains("bycli");

        ToolResult missingPool = cli(workingDirectory, "volume", "list", loops.volumeGroupName());
        assertThat(missingPool.exitCode()).as(missingPool.describe()).isEqualTo(1);
        assertThat(missingPool.stderr().strip()).as(missingPool.describe()).isNotEmpty().doesNotContain("\n");
    }

    /** A pool made through REST over a 24 MiB device (5 extents) and a 40 MiB one (9 extents). */
    private Pool twoDevicePool() throws IOException, InterruptedException {
        String small = loops.attach(24 * MIB);
        String large = loops.attach(40 * MIB);
        String name = loops.volumeGroupName();
        JsonNode created = rest.post("/pools", Map.of("name", name, "devices", List.of(small, large), "extentSize", "4MiB"))
                .expect(201);
        assertThat(created.path("name").asText()).isEqualTo(name);
        assertThat(created.path("extentSize").asLong()).isEqualTo(EXTENT);
        assertThat(texts(created.path("devices"))).containsExactlyInAnyOrder(small, large);
        assertThat(Lvm2.volumeGroupNames()).contains(name);
        return new Pool(name, small, large);
    }

    private void assertApiMatchesLvm(Pool pool) throws IOException, InterruptedException {
        Map<String, Lvm2.LogicalVolumeMap> lvs = Lvm2.volumes(pool.name());
        JsonNode listed = rest.get(volumesPath(pool)).expect(200);
        Map<String, Long> apiSizes = new LinkedHashMap<>();
        listed.forEach(volume -> apiSizes.put(volume.path("name").asText(), volume.path("size").asLong()));
        Map<String, Long> lvmSizes = new LinkedHashMap<>();
        lvs.forEach((name, volume) -> lvmSizes.put(name, volume.sizeBytes()));
        assertThat(apiSizes).as("GET %s against lvs", volumesPath(pool)).containsExactlyInAnyOrderEntriesOf(lvmSizes);
        for (JsonNode volume : listed) {
            List<Lvm2.SegmentRow> apiSegments = new ArrayList<>();
            volume.path("segments").forEach(segment -> apiSegments.add(new Lvm2.SegmentRow(segment.path("lvStartExtent").asLong(),
                    segment.path("extentCount").asLong(), segment.path("device").asText(), segment.path("pvStartExtent").asLong())));
            assertThat(apiSegments).as("segments of %s", volume.path("name").asText())
                    .containsExactlyElementsOf(lvs.get(volume.path("name").asText()).segments());
        }
        JsonNode vgs = Lvm2.volumeGroupFields(pool.name());
        JsonNode shown = rest.get("/pools/" + pool.name()).expect(200);
        assertThat(shown.path("extentSize").asLong()).isEqualTo(vgs.path("vg_extent_size").asLong());
        assertThat(shown.path("size").asLong()).isEqualTo(vgs.path("vg_size").asLong());
        assertThat(shown.path("free").asLong()).isEqualTo(vgs.path("vg_free").asLong());
        assertThat(shown.path("volumes").asInt()).isEqualTo(vgs.path("lv_count").asInt());
    }

    private ToolResult cli(Path workingDirectory, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", RepositoryLayout.applianceJar().toString()));
        command.addAll(List.of(arguments));
        return Tool.of(command)
                .directory(workingDirectory)
                .environment("APPLIANCE_URL", appliance.restUrl().toString())
                .environment("APPLIANCE_TOKEN", appliance.token())
                .timeout(TOOL_LIMIT)
                .run();
    }

    private static String volumesPath(Pool pool) {
        return "/pools/" + pool.name() + "/volumes";
    }

    private static String volumePath(Pool pool, String volume) {
        return volumesPath(pool) + "/" + volume;
    }

    private static JsonNode byName(JsonNode array, String name) {
        for (JsonNode element : array) {
            if (name.equals(element.path("name").asText())) {
                return element;
            }
        }
        throw new AssertionError("no element named " + name + " in " + array);
    }

    private static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(element -> names.add(element.path("name").asText()));
        return names;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(element -> texts.add(element.asText()));
        return texts;
    }

    private static byte[] randomBytes(long length, long seed) {
        byte[] bytes = new byte[Math.toIntExact(length)];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Compares without printing megabytes: the first differing offset and the bytes there. */
    private static void assertSameBytes(byte[] actual, byte[] expected, long expectedOffset, String what) {
        int from = Math.toIntExact(expectedOffset);
        int mismatch = Arrays.mismatch(actual, 0, actual.length, expected, from, from + actual.length);
        assertThat(mismatch).as("%s: first difference at byte %d (read 0x%02x, expected 0x%02x)", what, mismatch,
                mismatch < 0 ? 0 : actual[mismatch], mismatch < 0 ? 0 : expected[from + mismatch]).isEqualTo(-1);
    }

    private static boolean kernelHasDeviceMapper() throws IOException {
        Path misc = Path.of("/proc/misc");
        return Files.isReadable(misc) && Files.readString(misc, StandardCharsets.US_ASCII).contains("device-mapper");
    }

    /** A pool the test made, with its two devices. */
    private record Pool(String name, String small, String large) {
    }
}

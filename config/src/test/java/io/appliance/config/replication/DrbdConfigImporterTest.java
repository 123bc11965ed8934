package io.appliance.config.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DrbdConfigImporterTest {

    private static final String HOSTS = """
              on alpha { device /dev/drbd1; disk /dev/sdb1; address 10.0.0.1:7789; meta-disk internal; }
              on beta { device /dev/drbd1; disk /dev/sdb1; address 10.0.0.2:7789; meta-disk internal; }
            """;

    private final DrbdConfigImporter importer = new DrbdConfigImporter();

    static Path example(String name) {
        try {
            return Path.of(DrbdConfigImporterTest.class.getResource("/io/appliance/config/examples/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private DrbdImport importText(String text) {
        return importer.importText(text, "test.res");
    }

    private ResourceDefinition only(String text) {
        DrbdImport result = importText(text);
        assertThat(result.resources()).hasSize(1);
        return result.resources().get(0);
    }

    @Test
    void seedsStyleExample() {
        DrbdImport result = importer.importFile(example("r0.res"));
        assertThat(result.warnings()).isEmpty();
        assertThat(result.resources()).hasSize(1);
        ResourceDefinition example = result.resources().get(0);
        assertThat(example.name()).isEqualTo("example");
        assertThat(example.hosts()).containsExactly(
                new ResourceHost("host1", "/dev/vg/lv", Optional.of("/dev/drbd1"), "10.0.0.1", 7789, new MetaDisk.Internal(),
                        OptionalInt.empty()),
                new ResourceHost("host2", "/dev/vg/lv", Optional.of("/dev/drbd1"), "10.0.0.2", 7789, new MetaDisk.Internal(),
                        OptionalInt.empty()));
        assertThat(example.options()).isEqualTo(ResourceOptions.builder().verifyAlg(DigestAlgorithm.SHA1).build());
    }

    @Test
    void classicCentosRecipeWithGlobalCommonAndIncludes() {
        DrbdImport result = importer.importFile(example("centos/drbd.conf"));
        assertThat(result.resources()).extracting(ResourceDefinition::name).containsExactly("clusterdb", "web");

        ResourceOptions clusterdb = result.resources().get(0).options();
        assertThat(clusterdb.protocol()).isEqualTo(ReplicationProtocol.C);
        assertThat(clusterdb.cramHmacAlg()).contains(HmacAlgorithm.SHA1);
        assertThat(clusterdb.sharedSecret()).contains("clusterdb-s3cret");
        assertThat(clusterdb.afterSb0Pri()).isEqualTo(AfterSb0Pri.DISCARD_ZERO_CHANGES);
        assertThat(clusterdb.afterSb1Pri()).isEqualTo(AfterSb1Pri.DISCARD_SECONDARY);
        assertThat(clusterdb.afterSb2Pri()).isEqualTo(AfterSb2Pri.DISCONNECT);
        assertThat(clusterdb.onIoError()).isEqualTo(OnIoError.DETACH);
        assertThat(clusterdb.resyncRateBytesPerSecond()).isEqualTo(40L * 1024 * 1024);
        assertThat(clusterdb.cMinRateBytesPerSecond()).isEqualTo(4L * 1024 * 1024);
        assertThat(clusterdb.verifyAlg()).contains(DigestAlgorithm.SHA256);
        assertThat(clusterdb.csumsAlg()).contains(DigestAlgorithm.CRC32C);
        assertThat(clusterdb.fencing()).isEqualTo(FencingPolicy.RESOURCE_ONLY);
        assertThat(clusterdb.pingTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(clusterdb.alExtents()).isEqualTo(3389);
        assertThat(result.resources().get(0).requireHost("centos2").addressAndPort()).isEqualTo("192.168.1.11:7788");
        assertThat(result.resources().get(0).requireHost("centos1").device()).contains("/dev/drbd0");

        ResourceDefinition web = result.resources().get(1);
        assertThat(web.options().protocol()).as("the resource's protocol wins over common's").isEqualTo(ReplicationProtocol.A);
        assertThat(web.options().sharedSecret()).as("common applies to every resource").contains("clusterdb-s3cret");
        assertThat(web.options().verifyAlg()).isEmpty();
        assertThat(web.options().connectInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(web.options().pingInterval()).isEqualTo(Duration.ofSeconds(3));
        assertThat(web.options().timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(web.options().allowTwoPrimaries()).isTrue();
        assertThat(web.hosts()).extracting(ResourceHost::metaDisk)
                .containsExactly(new MetaDisk.External("/dev/vg0/web-md"), new MetaDisk.External("/dev/vg0/web-md"));
        assertThat(web.hosts()).extracting(ResourceHost::device).containsOnly(Optional.of("/dev/drbd1"));

        assertThat(result.warnings()).hasSize(5);
        assertThat(result.warnings()).anySatisfy(warning -> assertThat(warning)
                .matches(".*global_common\\.conf:2:3: global usage-count ignored: .*"));
        assertThat(result.warnings()).anySatisfy(warning -> assertThat(warning)
                .endsWith("global_common.conf:7:3: handlers are not run; the cluster manager does fencing"));
        assertThat(result.warnings()).anySatisfy(warning -> assertThat(warning)
                .matches(".*clusterdb\\.res:9:5: max-buffers ignored: .*"));
        assertThat(result.warnings()).anySatisfy(warning -> assertThat(warning).contains(":12:5: wfc-timeout ignored"));
    }

    @Test
    void drbd9ConnectionMeshWithNodeIds() {
        DrbdImport result = importer.importFile(example("drbd9-mesh.res"));
        ResourceDefinition r9 = result.resources().get(0);
        assertThat(r9.options().protocol()).isEqualTo(ReplicationProtocol.B);
        assertThat(r9.options().afterSb0Pri()).isEqualTo(AfterSb0Pri.DISCARD_LEAST_CHANGES);
        assertThat(r9.hosts()).containsExactly(
                new ResourceHost("n1", "/dev/vg/r9", Optional.of("/dev/drbd9"), "fd00::1", 7000, new MetaDisk.Internal(),
                        OptionalInt.of(0)),
                new ResourceHost("n2", "/dev/vg/r9", Optional.of("/dev/drbd9"), "fd00::2", 7000, new MetaDisk.Internal(),
                        OptionalInt.of(1)));
        assertThat(result.warnings()).isEmpty();
    }

    @Test
    void drbd83SyncerSectionMapsToTheNewKeys() {
        DrbdImport result = importText("resource r { syncer { rate 300; al-extents 257; csums-alg md5; after r0; } " + HOSTS + "}");
        ResourceOptions options = result.resources().get(0).options();
        assertThat(options.resyncRateBytesPerSecond()).as("a plain rate is KiB/s").isEqualTo(300L * 1024);
        assertThat(options.alExtents()).isEqualTo(257);
        assertThat(options.csumsAlg()).contains(DigestAlgorithm.MD5);
        assertThat(result.warnings()).containsExactly("test.res:1:64: after ignored: resyncs of different resources are not ordered");
    }

    @Test
    void connectionSectionAddressesAndOptionsWin() {
        ResourceDefinition definition = only("""
                resource r {
                  net { protocol A; }
                  disk { fencing resource-and-stonith; }   # DRBD 8.4 puts fencing in disk
                  on alpha { node-id 1; disk /dev/sdb1; }
                  on beta { node-id 2; disk /dev/sdb1; }
                  connection {
                    path { host alpha address 10.1.0.1:7000; host beta address ipv4 10.1.0.2:7001; }
                    net { protocol C; allow-two-primaries; after-sb-0pri discard-node-beta; }
                  }
                }
                """);
        assertThat(definition.options().protocol()).isEqualTo(ReplicationProtocol.C);
        assertThat(definition.options().allowTwoPrimaries()).isTrue();
        assertThat(definition.options().discardNode()).contains("beta");
        assertThat(definition.options().fencing()).isEqualTo(FencingPolicy.RESOURCE_AND_STONITH);
        assertThat(definition.hosts()).extracting(ResourceHost::addressAndPort).containsExactly("10.1.0.1:7000", "10.1.0.2:7001");
    }

    @Test
    void hostKeysQuotingCommentsVolumesAndMinors() {
        ResourceDefinition definition = only("""
                # a comment
                resource "r.1" {
                  volume 0 { device minor 3; disk "/dev/vg/my;disk"; }  # a quoted path may hold ; { }
                  net { cram-hmac-alg sha256; shared-secret "a\\"b#c"; }
                  on alpha { address 10.0.0.1:7789; }
                  on beta { address 10.0.0.2:7789; disk /dev/other; flexible-meta-disk /dev/md1; }
                }
                """);
        assertThat(definition.name()).isEqualTo("r.1");
        assertThat(definition.options().sharedSecret()).contains("a\"b#c");
        assertThat(definition.requireHost("alpha").device()).contains("/dev/drbd3");
        assertThat(definition.requireHost("alpha").disk()).isEqualTo("/dev/vg/my;disk");
        assertThat(definition.requireHost("beta").disk()).isEqualTo("/dev/other");
        assertThat(definition.requireHost("beta").metaDisk()).isEqualTo(new MetaDisk.External("/dev/md1"));
    }

    @Test
    void emptyTextHasNoResources() {
        assertThat(importText("# nothing\n").resources()).isEmpty();
        assertThat(importText("skip { resource x { anything goes; } }").resources()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "resource r {\\n  floating 10.0.0.1:7789 { disk /dev/x; }\\n}|2|3|floating sections (hosts chosen by address) are not supported",
            "resource r {\\n on a { meta-disk /dev/md[0]; }\\n}|2|19|indexed meta-disk is not supported, use flexible-meta-disk",
            "resource r {\\n on a { meta-disk /dev/md [0]; }\\n}|2|19|indexed meta-disk is not supported, use flexible-meta-disk",
            "resource r { net { max-bufers 10; } }|1|20|unknown net option 'max-bufers'",
            "resource r { net { ping-int 10s; } }|1|29|ping-int: '10s' is not a number of seconds",
            "resource r { net { verify-alg sha512; } }|1|31|verify-alg: unknown digest algorithm 'sha512' (valid: sha1, sha256, crc32c, md5)",
            "resource r { disk { on-io-error panic; } }|1|33|on-io-error: unknown on-io-error 'panic'",
            "resource r { disk { resync-rate 10X; } }|1|33|resync-rate: '10X' has an unknown unit 'X'",
            "resource r { disk { al-extents 3; } }|1|32|al-extents: '3' out of range 7..65534",
            "resource r { disk { size 10G; } }|1|21|disk option size (a replicated size below the backing volume's) is not supported",
            "resource r { net { protocol D; } }|1|29|protocol: unknown protocol 'D' (valid: A, B, C)",
            "resource r { net { protocol; } }|1|20|protocol needs one value, has 0",
            "resourc r { }|1|1|unknown top-level keyword 'resourc' (expected global, common, resource, include or skip)",
            "resource r { protocol C }|1|25|missing ';' after 'protocol' before '}'",
            "resource r { protocol C;|1|25|missing '}' to close 'resource' opened at test.res:1:1",
            "resource r { net { shared-secret \"abc; } }|1|34|unterminated string: a closing '\"' is missing on this line",
            "}|1|1|'}' without a matching '{'",
            "resource r { ; }|1|14|expected a keyword, found ';'",
            "resource r { protocol A; net { protocol C; } }|1|32|protocol is set twice in resource r (first at test.res:1:14)",
            "resource r { net { fencing dont-care; } disk { fencing resource-only; } }|1|48|fencing is set twice in resource r (first at test.res:1:20)",
            "global { usage-count no; colour blue; }|1|26|unknown global option 'colour'",
            "common { device /dev/drbd0; }|1|10|'device' is not allowed in common",
            "resource r { address 10.0.0.1:7789; }|1|14|address belongs in an 'on HOST' section",
            "resource r { stacked-on-top-of r0 { } }|1|14|stacked resources are not supported",
            "resource r { on a { disk none; } }|1|26|diskless hosts (disk none) are not supported",
            "resource r { on a { address 10.0.0.1:99999; } }|1|29|address: port '99999' in address '10.0.0.1:99999' is not a number 1..65535",
            "resource r { on a { address sdp 10.0.0.1:7789; } }|1|29|address: address family 'sdp' is not supported",
            "resource r { on a { node-id 40; } }|1|29|node-id: '40' out of range 0..31",
            "resource r { on a { net { protocol A; } } }|1|21|per-host net options are not supported",
            "resource r { on a b { } }|1|14|'on' needs exactly one host name",
            "resource r { on a { disk /dev/a; disk /dev/b; } }|1|34|disk is set twice in 'on a' (first at test.res:1:21)",
            "resource r { volume 0 { disk /dev/a; } volume 1 { disk /dev/b; } }|1|47|resource r: only one volume per resource is supported",
            "resource r { device /dev/drbd1 minor x; }|1|38|minor: 'x' is not a whole number",
            "resource r { include \"x.res\"; }|1|14|unknown keyword 'include' in resource r"})
    void syntaxAndValueErrorsGiveThePosition(String text, int line, int column, String message) {
        assertThatThrownBy(() -> importText(text.replace("\\n", "\n")))
                .isInstanceOfSatisfying(DrbdConfigException.class, e -> {
                    assertThat(e.problem()).startsWith(message);
                    assertThat(e.sourceName()).isEqualTo("test.res");
                    assertThat(e.line()).as("line of: " + e.getMessage()).isEqualTo(line);
                    assertThat(e.column()).as("column of: " + e.getMessage()).isEqualTo(column);
                    assertThat(e.getMessage()).isEqualTo("test.res:" + line + ":" + column + ": " + e.problem());
                });
    }

    private void assertError(String text, String expectedMessage) {
        assertThatThrownBy(() -> importText(text)).isInstanceOf(DrbdConfigException.class).hasMessage(expectedMessage);
    }

    @Test
    void resourceLevelErrorsPointAtTheResponsibleToken() {
        assertError("resource r {\n on a { disk /dev/a; address 10.0.0.1:1; }\n}",
                "test.res:1:1: resource r has 1 'on' section(s): exactly 2 hosts are supported");
        assertError("resource r {\n on a { disk /dev/a; address 10.0.0.1:1; }\n on b { disk /dev/a; address 10.0.0.2:1; }\n"
                        + " on c { disk /dev/a; address 10.0.0.3:1; }\n}",
                "test.res:1:1: resource r has 3 'on' section(s): exactly 2 hosts are supported");
        assertError("resource r {\n on a { disk /dev/a; address 10.0.0.1:1; }\n on b { disk /dev/a; address 10.0.0.1:1; }\n}",
                "test.res:3:22: resource r: host 'b': address 10.0.0.1:1 is also host 'a''s address");
        assertError("resource r {\n on a { disk /dev/a; address 10.0.0.1:1; }\n on b { address 10.0.0.2:1; }\n}",
                "test.res:3:2: resource r: host 'b' has no disk (set disk in 'on b' or in the resource)");
        assertError("resource r {\n on a { disk /dev/a; address 10.0.0.1:1; }\n on b { disk /dev/a; }\n}",
                "test.res:3:2: resource r: host 'b' has no address");
        assertError("resource r {\n on a { disk relative; address 10.0.0.1:1; }\n on b { disk /dev/a; address 10.0.0.2:1; }\n}",
                "test.res:2:9: resource r: host 'a': disk 'relative' is neither an absolute path nor POOL/LV");
        assertError("resource r {\n net { after-sb-0pri discard-node-gamma; }\n" + HOSTS + "}",
                "test.res:2:22: resource r: after-sb-0pri discard-node-gamma names no host (hosts: alpha, beta)");
        assertError("resource r {\n net { shared-secret s; }\n" + HOSTS + "}",
                "test.res:2:8: resource r: shared-secret and cram-hmac-alg must be set together (peer authentication needs both)");
        assertError("resource r {" + HOSTS + "}\nresource r {" + HOSTS + "}",
                "test.res:4:10: resource r is defined twice (first at test.res:1:1)");
        assertError("resource r {" + HOSTS + " connection-mesh { hosts alpha beta gamma; }\n}",
                "test.res:3:2: connection-mesh must name exactly the two hosts of resource r (on sections: alpha, beta;"
                        + " named: alpha, beta, gamma): DRBD 9 setups with more than two peers are not supported");
        assertError("resource r {" + HOSTS + " connection { host alpha; host gamma; }\n}",
                "test.res:3:2: connection must name exactly the two hosts of resource r (on sections: alpha, beta;"
                        + " named: alpha, gamma): DRBD 9 setups with more than two peers are not supported");
        assertError("resource r {" + HOSTS + " connection { host alpha; host beta; }\n connection { host alpha; host beta; }\n}",
                "test.res:4:2: resource r has a second connection (first at test.res:3:2): only one connection between the"
                        + " two hosts is supported");
        assertError("resource bad/name {" + HOSTS + "}",
                "test.res:1:1: resource bad/name: name must be 1 to 63 of A-Z a-z 0-9 _ . + -");
    }

    @Test
    void aTimeoutNotBelowTheIntervalsIsWarnedAbout() {
        assertThat(importText("common { net { timeout 100; } }\nresource r {\n" + HOSTS + "}").warnings()).containsExactly(
                "test.res:1:24: resource r: timeout PT10S should be lower than connect-int PT10S and ping-int PT10S (drbd.conf)");
        assertThat(importText("resource r { net { timeout 99; } " + HOSTS + "}").warnings()).isEmpty();
    }

    @Test
    void commonAppliesUnlessTheResourceSetsIt() {
        DrbdImport result = importText("common { protocol A; disk { c-min-rate 1M; } }\n"
                + "resource r1 {" + HOSTS + "}\nresource r2 { net { protocol B; } disk { c-min-rate 0; }" + HOSTS + "}");
        assertThat(result.resources().get(0).options().protocol()).isEqualTo(ReplicationProtocol.A);
        assertThat(result.resources().get(0).options().cMinRateBytesPerSecond()).isEqualTo(1024 * 1024);
        assertThat(result.resources().get(1).options().protocol()).isEqualTo(ReplicationProtocol.B);
        assertThat(result.resources().get(1).options().cMinRateBytesPerSecond()).isZero();
    }

    @Test
    void includesAreRelativeToTheIncludingFile(@TempDir Path directory) throws IOException {
        Path sub = Files.createDirectories(directory.resolve("conf/drbd.d"));
        Files.writeString(directory.resolve("conf/main.conf"), "include \"drbd.d/*.res\";\ninclude \"drbd.d/none-*.cfg\";\n");
        Files.writeString(sub.resolve("b.res"), "resource b {" + HOSTS + "}\n");
        Files.writeString(sub.resolve("a.res"), "include \"../common.inc\";\nresource a {" + HOSTS + "}\n");
        Files.writeString(directory.resolve("conf/common.inc"), "common { net { protocol B; } }\n");
        DrbdImport result = importer.importFile(directory.resolve("conf/main.conf"));
        assertThat(result.resources()).extracting(ResourceDefinition::name).containsExactly("a", "b");
        assertThat(result.resources()).extracting(definition -> definition.options().protocol()).containsOnly(ReplicationProtocol.B);
        assertThat(result.warnings()).singleElement().asString().contains("main.conf:2:1: include pattern '")
                .endsWith("none-*.cfg' matches no file");

        DrbdImport fromText = importer.importText("include \"conf/drbd.d/b.res\";", directory.resolve("inline.res").toString());
        assertThat(fromText.resources()).extracting(ResourceDefinition::name).containsExactly("b");
    }

    @Test
    void includeErrors(@TempDir Path directory) throws IOException {
        Path first = directory.resolve("first.conf");
        Path second = directory.resolve("second.conf");
        Files.writeString(first, "include \"second.conf\";\n");
        Files.writeString(second, "\n  include \"first.conf\";\n");
        assertThatThrownBy(() -> importer.importFile(first))
                .isInstanceOf(DrbdConfigException.class)
                .hasMessage(second + ":2:3: include cycle: " + first.toRealPath() + " -> " + second.toRealPath() + " -> "
                        + first.toRealPath());

        Path missing = directory.resolve("missing.conf");
        Files.writeString(missing, "include \"nope.conf\";\n");
        assertThatThrownBy(() -> importer.importFile(missing))
                .hasMessage(missing + ":1:9: include file '" + directory.resolve("nope.conf") + "' does not exist");

        assertThatThrownBy(() -> importer.importFile(directory.resolve("absent.res")))
                .isInstanceOfSatisfying(DrbdConfigException.class, e -> {
                    assertThat(e.line()).isZero();
                    assertThat(e.problem()).startsWith("cannot read: java.nio.file.NoSuchFileException");
                });
        assertThatThrownBy(() -> importer.importFile(directory))
                .hasMessage(directory + ":0:0: not a regular file");

        Path latin1 = directory.resolve("latin1.res");
        Files.write(latin1, "# caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> importer.importFile(latin1)).hasMessage(latin1 + ":0:0: not UTF-8 text");
    }

    @Test
    void tokensAndNestingAreBounded() {
        String longWord = "x".repeat(DrbdLexer.MAX_TOKEN_LENGTH + 1);
        assertThatThrownBy(() -> importText("resource " + longWord + " { }"))
                .hasMessage("test.res:1:10: token longer than 4096 characters");
        String deep = "skip {".repeat(DrbdStatement.MAX_DEPTH + 1) + "}".repeat(DrbdStatement.MAX_DEPTH + 1);
        assertThatThrownBy(() -> importText(deep)).hasMessageContaining("blocks nested deeper than 8 levels");
        assertThatThrownBy(() -> importText("resource r\u0001 { }")).hasMessage("test.res:1:11: control character U+0001 is not allowed");
    }
}

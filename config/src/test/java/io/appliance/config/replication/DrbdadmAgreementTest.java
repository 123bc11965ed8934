package io.appliance.config.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Checks our reading of DRBD files against drbdadm's own: {@code drbdadm -c FILE dump all} must accept
 * the file, and {@code drbdadm -c FILE dump-xml all} (the same parse, machine-readable: hosts with
 * their volume keys already inherited from the resource) must agree with our definitions on every
 * field we map. drbdadm keeps {@code common} apart; it is merged here as drbdadm applies it (common,
 * then resource, then connection sections).
 */
class DrbdadmAgreementTest {

    private static final Duration DRBDADM_TIME_LIMIT = Duration.ofSeconds(20);
    private static Path drbdadm;

    @BeforeAll
    static void findDrbdadm() {
        List<String> directories = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        directories.addAll(List.of("/usr/sbin", "/sbin"));
        drbdadm = directories.stream().filter(directory -> !directory.isEmpty()).map(directory -> Path.of(directory, "drbdadm"))
                .filter(Files::isExecutable).findFirst().orElse(null);
    }

    private static void assumeDrbdadm() {
        Assumptions.assumeTrue(drbdadm != null, "drbdadm (package drbd-utils) is not installed: cannot compare with DRBD's parser");
    }

    private final DrbdConfigImporter importer = new DrbdConfigImporter();

    @ParameterizedTest
    @ValueSource(strings = {"r0.res", "centos/drbd.conf", "drbd9-mesh.res"})
    void examplesMeanWhatDrbdadmSays(String example) throws Exception {
        assumeDrbdadm();
        compare(DrbdConfigImporterTest.example(example));
    }

    @Test
    void connectionPathsVolumesAndEightFourKeys(@TempDir Path directory) throws Exception {
        assumeDrbdadm();
        Path file = directory.resolve("r5.res");
        Files.writeString(file, """
                common { disk { resync-rate 250; c-min-rate 100k; } net { after-sb-2pri call-pri-lost-after-sb; } }
                resource r5 {
                  volume 0 { device minor 5; disk /dev/vg/r5; meta-disk /dev/vg/r5-md; }
                  net { cram-hmac-alg sha256; shared-secret "quote\\"d"; ping-timeout 7; after-sb-1pri consensus; }
                  disk { on-io-error pass_on; }
                  on alpha { node-id 3; address ipv4 10.9.0.1:7005; }
                  on beta { node-id 4; address ipv4 10.9.0.2:7005; }
                  connection {
                    path { host alpha address 10.8.0.1:7006; host beta address 10.8.0.2:7006; }
                    net { protocol A; timeout 30; connect-int 7; fencing resource-and-stonith; }
                  }
                }
                """);
        List<ResourceDefinition> ours = compare(file);
        assertThat(ours.get(0).hosts()).extracting(ResourceHost::addressAndPort).containsExactly("10.8.0.1:7006", "10.8.0.2:7006");
        assertThat(ours.get(0).options().sharedSecret()).contains("quote\"d");
    }

    private List<ResourceDefinition> compare(Path file) throws Exception {
        String dump = run("dump", file);
        List<ResourceDefinition> ours = importer.importFile(file).resources();
        assertThat(ours).isNotEmpty();
        for (ResourceDefinition definition : ours) {
            assertThat(dump).contains("resource " + definition.name() + " {");
        }
        Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(run("dump-xml", file).getBytes(StandardCharsets.UTF_8)));
        Element config = document.getDocumentElement();
        Map<String, String> common = children(config, "common").findFirst().map(DrbdadmAgreementTest::options).orElse(Map.of());
        List<Element> resources = children(config, "resource").toList();
        assertThat(resources).extracting(resource -> resource.getAttribute("name"))
                .containsExactlyElementsOf(ours.stream().map(ResourceDefinition::name).toList());
        for (int i = 0; i < resources.size(); i++) {
            compareResource(resources.get(i), common, ours.get(i));
        }
        return ours;
    }

    private static void compareResource(Element resource, Map<String, String> common, ResourceDefinition ours) {
        Map<String, String> effective = new HashMap<>(common);
        effective.putAll(options(resource));
        Element connection = children(resource, "connection").findFirst().orElseThrow();
        effective.putAll(options(connection));

        List<Element> hosts = children(resource, "host").toList();
        assertThat(hosts).extracting(host -> host.getAttribute("name"))
                .containsExactlyElementsOf(ours.hosts().stream().map(ResourceHost::name).toList());
        for (Element host : hosts) {
            ResourceHost our = ours.requireHost(host.getAttribute("name"));
            Element volume = children(host, "volume").findFirst().orElseThrow();
            assertThat(our.disk()).isEqualTo(text(volume, "disk"));
            Element device = children(volume, "device").findFirst().orElseThrow();
            // "device minor N" is dumped as <device minor="N"/>, which is /dev/drbdN.
            String devicePath = device.getTextContent().isEmpty() ? "/dev/drbd" + device.getAttribute("minor") : device.getTextContent();
            assertThat(our.device()).contains(devicePath);
            String metaDisk = text(volume, "meta-disk");
            assertThat(our.metaDisk()).isEqualTo(metaDisk.equals("internal") ? new MetaDisk.Internal() : new MetaDisk.External(metaDisk));
            Element address = Stream.concat(children(connection, "host"), children(connection, "path").flatMap(path -> children(path, "host")))
                    .filter(h -> h.getAttribute("name").equals(our.name()))
                    .flatMap(h -> children(h, "address")).findFirst().orElseThrow();
            assertThat(our.addressHost()).isEqualTo(address.getTextContent());
            assertThat(our.port()).isEqualTo(Integer.parseInt(address.getAttribute("port")));
            assertThat(our.addressHost().contains(":") ? "ipv6" : "ipv4").isEqualTo(address.getAttribute("family"));
        }

        ResourceOptions options = ours.options();
        ResourceOptions defaults = ResourceOptions.defaults();
        String name = ours.name();
        assertThat(options.protocol()).as(name + " protocol")
                .isEqualTo(value(effective, "protocol").map(ReplicationProtocol::fromDrbdName).orElse(defaults.protocol()));
        assertThat(options.verifyAlg()).as(name + " verify-alg").isEqualTo(value(effective, "verify-alg").map(DigestAlgorithm::fromDrbdName));
        assertThat(options.csumsAlg()).as(name + " csums-alg").isEqualTo(value(effective, "csums-alg").map(DigestAlgorithm::fromDrbdName));
        assertThat(options.cramHmacAlg()).as(name + " cram-hmac-alg").isEqualTo(value(effective, "cram-hmac-alg").map(HmacAlgorithm::fromDrbdName));
        assertThat(options.sharedSecret()).as(name + " shared-secret").isEqualTo(value(effective, "shared-secret"));
        assertThat(options.afterSb0Pri().drbdName() + options.discardNode().map(node -> "-" + node).orElse(""))
                .as(name + " after-sb-0pri").isEqualTo(value(effective, "after-sb-0pri").orElse("disconnect"));
        assertThat(options.afterSb1Pri().drbdName()).as(name + " after-sb-1pri").isEqualTo(value(effective, "after-sb-1pri").orElse("disconnect"));
        assertThat(options.afterSb2Pri().drbdName()).as(name + " after-sb-2pri").isEqualTo(value(effective, "after-sb-2pri").orElse("disconnect"));
        assertThat(options.fencing().drbdName()).as(name + " fencing").isEqualTo(value(effective, "fencing").orElse("dont-care"));
        assertThat(options.onIoError().drbdName()).as(name + " on-io-error").isEqualTo(value(effective, "on-io-error").orElse("detach"));
        assertThat(options.allowTwoPrimaries()).as(name + " allow-two-primaries")
                .isEqualTo(value(effective, "allow-two-primaries").map(ResourceDefinitionParsing::parseYesNo).orElse(false));
        assertThat(options.resyncRateBytesPerSecond()).as(name + " resync-rate").isEqualTo(value(effective, "resync-rate")
                .map(ResourceDefinitionParsing::parseRateBytesPerSecond).orElse(defaults.resyncRateBytesPerSecond()));
        assertThat(options.cMinRateBytesPerSecond()).as(name + " c-min-rate").isEqualTo(value(effective, "c-min-rate")
                .map(ResourceDefinitionParsing::parseRateBytesPerSecond).orElse(defaults.cMinRateBytesPerSecond()));
        assertThat(options.alExtents()).as(name + " al-extents")
                .isEqualTo(value(effective, "al-extents").map(Integer::parseInt).orElse(defaults.alExtents()));
        assertThat(options.connectInterval()).as(name + " connect-int")
                .isEqualTo(value(effective, "connect-int").map(ResourceDefinitionParsing::parseSeconds).orElse(defaults.connectInterval()));
        assertThat(options.pingInterval()).as(name + " ping-int")
                .isEqualTo(value(effective, "ping-int").map(ResourceDefinitionParsing::parseSeconds).orElse(defaults.pingInterval()));
        assertThat(options.pingTimeout()).as(name + " ping-timeout")
                .isEqualTo(value(effective, "ping-timeout").map(ResourceDefinitionParsing::parseTenthsOfSecond).orElse(defaults.pingTimeout()));
        assertThat(options.timeout()).as(name + " timeout")
                .isEqualTo(value(effective, "timeout").map(ResourceDefinitionParsing::parseTenthsOfSecond).orElse(defaults.timeout()));
    }

    private static Optional<String> value(Map<String, String> options, String key) {
        return Optional.ofNullable(options.get(key));
    }

    /** The options of the {@code section} children (net, disk, ...) of an element, by key. */
    private static Map<String, String> options(Element element) {
        Map<String, String> options = new HashMap<>();
        children(element, "section").flatMap(section -> children(section, "option"))
                .forEach(option -> options.put(option.getAttribute("name"), option.getAttribute("value")));
        return options;
    }

    private static String text(Element element, String child) {
        return children(element, child).findFirst().orElseThrow(() -> new AssertionError("no <" + child + ">")).getTextContent();
    }

    private static Stream<Element> children(Element element, String tag) {
        List<Element> found = new ArrayList<>();
        for (Node node = element.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element child && child.getTagName().equals(tag)) {
                found.add(child);
            }
        }
        return found.stream();
    }

    /** Runs drbdadm; its standard error (noise about modinfo here) is shown only on failure. */
    private static String run(String command, Path file) throws IOException, InterruptedException {
        Path errors = Files.createTempFile("drbdadm", ".err");
        Process process = new ProcessBuilder(drbdadm.toString(), "-c", file.toString(), command, "all")
                .redirectError(errors.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        try (InputStream output = process.getInputStream()) {
            byte[] stdout = output.readAllBytes();
            assertThat(process.waitFor(DRBDADM_TIME_LIMIT.toMillis(), TimeUnit.MILLISECONDS)).as("drbdadm finished").isTrue();
            assertThat(process.exitValue()).as("drbdadm " + command + " " + file + ": " + Files.readString(errors)).isZero();
            return new String(stdout, StandardCharsets.UTF_8);
        } finally {
            process.destroyForcibly();
            Files.deleteIfExists(errors);
        }
    }
}

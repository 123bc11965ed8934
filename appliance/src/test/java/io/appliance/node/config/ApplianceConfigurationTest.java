package io.appliance.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.appliance.node.model.AclSpec;
import io.appliance.node.model.LunSpec;
import io.dropwizard.configuration.ConfigurationException;
import io.dropwizard.configuration.ConfigurationValidationException;
import io.dropwizard.configuration.ResourceConfigurationSourceProvider;
import io.dropwizard.configuration.ConfigurationFactory;
import io.dropwizard.configuration.DefaultConfigurationFactoryFactory;
import io.dropwizard.core.server.SimpleServerFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.jersey.validation.Validators;
import io.dropwizard.util.DataSize;
import jakarta.validation.Validator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ApplianceConfigurationTest {

    private static final Validator VALIDATOR = Validators.newValidator();
    // the factory the application uses: unknown fields fail
    private final ConfigurationFactory<ApplianceConfiguration> factory = new DefaultConfigurationFactoryFactory<ApplianceConfiguration>()
            .create(ApplianceConfiguration.class, VALIDATOR, Jackson.newObjectMapper(), "dw");

    private static final String VALID_TARGET = """
            seed:
              targets:
                - name: iqn.2026-11.io.appliance:t1
                  luns:
                    - lun: 0
                      size: 1MiB
            """;

    @Test
    void theSpecExampleParsesWithEveryValue() throws Exception {
        ApplianceConfiguration config = factory.build(new ResourceConfigurationSourceProvider(), "full-config.yml");

        assertThat(config.getNodeName()).isEqualTo("node1");
        assertThat(config.getStateDirectory()).isEqualTo(Path.of("./var"));
        IscsiConfiguration iscsi = config.getIscsi();
        assertThat(iscsi.getPortals()).extracting(PortalConfiguration::toString).containsExactly("0.0.0.0:3260");
        assertThat(iscsi.getNopInInterval().toSeconds()).isEqualTo(5);
        assertThat(iscsi.getNopInTimeout().toSeconds()).isEqualTo(15);
        assertThat(iscsi.getMaxRecvDataSegmentLength()).isEqualTo(DataSize.kibibytes(256));
        assertThat(iscsi.getMaxBurstLength().toBytes()).isEqualTo(1 << 20);
        assertThat(iscsi.getDiscoveryChap().getUser()).isEqualTo("discovery");
        assertThat(iscsi.getDiscoveryChap().toString()).doesNotContain("discoverysecret12");
        TargetSeed target = config.getSeed().getTargets().get(0);
        assertThat(target.name()).isEqualTo("iqn.2026-11.io.appliance:default");
        assertThat(target.openAccess()).isTrue();
        LunSpec lun = target.luns().get(0);
        assertThat(lun.size().toBytes()).isEqualTo(1L << 30);
        assertThat(lun.uuid()).isEqualTo(UUID.fromString("5f0c1d2e-3a4b-4c5d-8e6f-708192a3b4c5"));
        AclSpec acl = target.acls().get(0);
        assertThat(acl.luns()).isEqualTo(Map.of(0, 0));
        assertThat(acl.chap().mutualChapEnabled()).isTrue();
        assertThat(acl.toString()).doesNotContain("secret-of-12+chars").doesNotContain("mutual-secret-12");
    }

    @Test
    void theEmbeddedDefaultIsTheDocumentedDemo() throws Exception {
        ApplianceConfiguration config = factory.build(new ResourceConfigurationSourceProvider(),
                "io/appliance/node/default-config.yml");

        assertThat(config.getIscsi().getPortals()).extracting(PortalConfiguration::toString).containsExactly("0.0.0.0:3260");
        TargetSeed target = config.getSeed().getTargets().get(0);
        assertThat(target.name()).isEqualTo("iqn.2026-11.io.appliance:default");
        assertThat(target.openAccess()).isTrue();
        assertThat(target.luns()).singleElement().satisfies(lun -> {
            assertThat(lun.lun()).isZero();
            assertThat(lun.size().toBytes()).isEqualTo(1L << 30);
            assertThat(lun.backingFile()).isEqualTo("luns/default-lun0.img");
        });
        SimpleServerFactory server = (SimpleServerFactory) config.getServerFactory();
        assertThat(server.getApplicationContextPath()).isEqualTo("/");
    }

    @Test
    void theLvmSectionHasDefaultsAndChecksItsValues() throws Exception {
        ApplianceConfiguration defaults = parse("{}");
        assertThat(defaults.getLvm().getAccess()).isEqualTo(LvmConfiguration.Access.AUTO);
        assertThat(defaults.getLvm().getCommandTimeout().toJavaDuration()).isEqualTo(java.time.Duration.ofSeconds(60));

        ApplianceConfiguration set = parse("lvm:\n  access: extent-map\n  commandTimeout: 90s\n");
        assertThat(set.getLvm().getAccess()).isEqualTo(LvmConfiguration.Access.EXTENT_MAP);
        assertThat(set.getLvm().getCommandTimeout().toJavaDuration()).isEqualTo(java.time.Duration.ofSeconds(90));
        assertThat(parse("lvm:\n  access: device-node\n").getLvm().getAccess()).isEqualTo(LvmConfiguration.Access.DEVICE_NODE);

        assertThatThrownBy(() -> parse("lvm:\n  access: mapper\n")).hasMessageContaining("access");
        assertThatThrownBy(() -> parse("lvm:\n  commandTimeout: 100ms\n")).hasMessageContaining("lvm.commandTimeout");
    }

    @Test
    void defaultsApplyToAnEmptyFile() throws Exception {
        ApplianceConfiguration config = parse("{}");
        assertThat(config.getIscsi().getPortals()).extracting(PortalConfiguration::toString).containsExactly("0.0.0.0:3260");
        assertThat(config.getIscsi().getCommandWindow()).isEqualTo(256);
        assertThat(config.getIscsi().getDiscoveryChap()).isNull();
        assertThat(config.getSeed().getTargets()).isEmpty();
        assertThat(config.getNodeName()).isNotBlank();
    }

    @Test
    void withoutAServerSectionTheRestApiListensOnLoopbackOnly() throws Exception {
        ApplianceConfiguration config = parse("{}");

        assertThat(config.getServerFactory()).isInstanceOf(SimpleServerFactory.class);
        SimpleServerFactory server = (SimpleServerFactory) config.getServerFactory();
        assertThat(server.getConnector()).isInstanceOf(HttpConnectorFactory.class);
        HttpConnectorFactory connector = (HttpConnectorFactory) server.getConnector();
        assertThat(connector.getBindHost()).isEqualTo("127.0.0.1");
        assertThat(connector.getPort()).isEqualTo(8080);
    }

    @Test
    void stateDirectoryDefaultsToApplianceHomeThenVar() {
        assertThat(ApplianceConfiguration.defaultStateDirectory(Map.of("APPLIANCE_HOME", "/srv/app"))).isEqualTo(Path.of("/srv/app"));
        assertThat(ApplianceConfiguration.defaultStateDirectory(Map.of())).isEqualTo(Path.of("var"));
        assertThat(ApplianceConfiguration.defaultStateDirectory(Map.of("APPLIANCE_HOME", " "))).isEqualTo(Path.of("var"));
    }

    @Test
    void firstBurstAboveMaxBurstIsRefused() {
        assertInvalid("""
                iscsi:
                  maxBurstLength: 64KiB
                  firstBurstLength: 128KiB
                """, "iscsi.firstBurstLength must not exceed iscsi.maxBurstLength");
    }

    @Test
    void lengthsOutsideRfcRangesAreRefused() {
        assertInvalid("iscsi:\n  maxRecvDataSegmentLength: 16MiB\n", "iscsi.maxRecvDataSegmentLength");
        assertInvalid("iscsi:\n  maxBurstLength: 256B\n", "iscsi.maxBurstLength");
        assertInvalid("iscsi:\n  portalGroupTag: 0\n", "iscsi.portalGroupTag");
        assertInvalid("iscsi:\n  nopInTimeout: 0s\n", "iscsi.nopInTimeout");
        assertInvalid("iscsi:\n  portals: []\n", "iscsi.portals");
        assertInvalid("iscsi:\n  portals:\n    - address: 0.0.0.0\n      port: 70000\n", "iscsi.portals[0].port");
    }

    @Test
    void duplicatePortalsAreRefused() {
        assertInvalid("""
                iscsi:
                  portals:
                    - {address: 0.0.0.0, port: 3260}
                    - {address: 0.0.0.0, port: 3260}
                """, "iscsi.portals must not list the same address and port twice");
    }

    @Test
    void shortDiscoverySecretIsRefusedWithoutShowingIt() {
        ConfigurationValidationException error = assertInvalid("""
                iscsi:
                  discoveryChap: {user: discovery, secret: tooshort}
                """, "iscsi.discoveryChap.secret must be at least 12 bytes");
        assertThat(error.getMessage()).doesNotContain("tooshort");
    }

    @Test
    void malformedTargetNameNamesTheField() {
        assertInvalid(VALID_TARGET.replace("iqn.2026-11.io.appliance:t1", "iqn.2026-13.io.appliance:t1"),
                "seed.targets[0].name has month 13");
        assertInvalid(VALID_TARGET.replace("iqn.2026-11.io.appliance:t1", "my-target"),
                "seed.targets[0].name must start with iqn., eui. or naa.");
    }

    @Test
    void lunRulesNameTheField() {
        assertInvalid(VALID_TARGET.replace("lun: 0", "lun: 16384"), "seed.targets[0].luns[0].lun must be 0..16383");
        assertInvalid(VALID_TARGET.replace("size: 1MiB", "size: 1000B"), "seed.targets[0].luns[0].size must be a multiple of 512");
        assertInvalid(VALID_TARGET.replace("      size: 1MiB\n", ""), "seed.targets[0].luns[0].size must not be null");
        assertInvalid(VALID_TARGET + "        - lun: 0\n          size: 2MiB\n", "LUN 0 is defined twice");
    }

    @Test
    void chapRulesNameTheField() {
        String acl = VALID_TARGET + "      acls:\n        - initiator: iqn.2026-11.io.appliance:client1\n";
        assertInvalid(acl + "          chapUser: client1\n          chapSecret: short\n",
                "seed.targets[0].acls[0].chapSecret must be at least 12 bytes");
        assertInvalid(acl + "          chapUser: client1\n", "seed.targets[0].acls[0].chapSecret is required when chapUser is set");
        assertInvalid(acl + "          mutualChapUser: target1\n          mutualChapSecret: mutual-secret-12\n",
                "seed.targets[0].acls[0].mutualChapUser mutual CHAP needs chapUser and chapSecret");
        assertInvalid(acl + "          chapUser: c\n          chapSecret: same-secret-123\n          mutualChapUser: t\n"
                + "          mutualChapSecret: same-secret-123\n", "seed.targets[0].acls[0].mutualChapSecret must differ from chapSecret");
        assertInvalid(acl + "          luns: {0: 7}\n", "maps to LUN 7, which target iqn.2026-11.io.appliance:t1 does not have");
        assertInvalid(acl + "        - initiator: IQN.2026-11.io.appliance:CLIENT1\n", "has two ACLs");
    }

    @Test
    void duplicateTargetsAreRefused() {
        assertInvalid(VALID_TARGET + "    - name: IQN.2026-11.io.appliance:T1\n", "is defined twice");
    }

    @Test
    void unknownFieldsAndBadValuesAreNamed() {
        assertThatThrownBy(() -> parse("iscsi:\n  portal: []\n"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("iscsi.portal");
        assertThatThrownBy(() -> parse("iscsi:\n  maxBurstLength: lots\n"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("iscsi.maxBurstLength");
        assertThatThrownBy(() -> parse("nodeName: 'has space'\n"))
                .isInstanceOf(ConfigurationValidationException.class)
                .hasMessageContaining("nodeName must be 1..63 letters");
    }

    @Test
    void sizeMayBeGivenInBytes() throws Exception {
        ApplianceConfiguration config = parse(VALID_TARGET.replace("size: 1MiB", "size: 1048576"));
        assertThat(config.getSeed().getTargets().get(0).luns().get(0).size().toBytes()).isEqualTo(1048576);
    }

    private ApplianceConfiguration parse(String yaml) throws IOException, ConfigurationException {
        return factory.build(path -> new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test.yml");
    }

    private ConfigurationValidationException assertInvalid(String yaml, String expectedMessagePart) {
        try {
            parse(yaml);
        } catch (ConfigurationValidationException e) {
            assertThat(e.getMessage()).contains(expectedMessagePart);
            return e;
        } catch (IOException | ConfigurationException e) {
            throw new AssertionError("expected a validation error, got " + e, e);
        }
        throw new AssertionError("expected a validation error containing '" + expectedMessagePart + "' for:\n" + yaml);
    }
}

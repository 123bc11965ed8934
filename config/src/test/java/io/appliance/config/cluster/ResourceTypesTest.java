package io.appliance.config.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResourceTypesTest {

    @ParameterizedTest
    @CsvSource({"drbd,replicated-disk", "DRBDDISK,replicated-disk", "ocf:linbit:drbd,replicated-disk",
            "IPaddr,IPaddr2", "ocf:heartbeat:IPaddr2,IPaddr2", "ipaddr2,IPaddr2", "portblock,portblock",
            "iSCSITarget,iscsi-target", "ocf:heartbeat:Filesystem,Filesystem", "ocf:pacemaker:Dummy,Dummy",
            "lsb:httpd,lsb:httpd", "LSB:httpd,lsb:httpd"})
    void canonicalNamesOfAliases(String alias, String canonical) {
        assertThat(ResourceTypes.canonical(alias)).isEqualTo(canonical);
    }

    @Test
    void unknownTypeListsTheKnownOnes() {
        assertThatThrownBy(() -> ResourceTypes.canonical("IPaddr3"))
                .isInstanceOfSatisfying(ClusterDefinitionException.class, e -> assertThat(e.field()).isEqualTo("type"))
                .hasMessageContaining("unknown resource type 'IPaddr3' (known: replicated-disk, IPaddr2, portblock");
        assertThatThrownBy(() -> ResourceTypes.canonical("lsb:../etc")).hasMessageContaining("init script name");
    }

    @Test
    void acceptsWellFormedParameters() {
        ResourceTypes.checkParams("params", "IPaddr2", Map.of("ip", "10.0.0.100", "cidr_netmask", "24", "nic", "eth0"));
        ResourceTypes.checkParams("params", "portblock",
                Map.of("ip", "10.0.0.100", "portno", "3260,2049-2050", "protocol", "udp", "action", "unblock"));
        ResourceTypes.checkParams("params", "Filesystem",
                Map.of("device", "/dev/drbd1", "directory", "/data", "fstype", "ext4", "options", "noatime"));
        ResourceTypes.checkParams("params", "Dummy", Map.of("op_sleep", "250ms", "state", "/tmp/d.state"));
        ResourceTypes.checkParams("params", "lsb:httpd", Map.of());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "IPaddr2|nic=eth0|params.ip|IPaddr2 needs parameter 'ip'",
            "IPaddr2|ip=10.0.0.300|params.ip|'10.0.0.300' is not an IPv4 address",
            "IPaddr2|ip=10.0.0.1,cidr_netmask=33|params.cidr_netmask|must be a number 0..32",
            "IPaddr2|ip=10.0.0.1,colour=red|params.colour|unknown parameter 'colour' for IPaddr2",
            "portblock|ip=10.0.0.1,portno=3260,action=drop|params.action|must be block or unblock",
            "portblock|ip=10.0.0.1,portno=70000,action=block|params.portno|is not a port or range",
            "portblock|ip=10.0.0.1,portno=20-10,action=block|params.portno|is not a port or range",
            "portblock|ip=10.0.0.1,portno=a,action=block|params.portno|must be ports or ranges",
            "replicated-disk|resource=r 0|params.resource|is not a replicated disk name",
            "iscsi-target|ip=10.0.0.1,port=0|params.port|must be a number 1..65535",
            "Filesystem|device=/dev/x,directory=data,fstype=ext4|params.directory|is not an absolute path",
            "Dummy|op_sleep=soon|params.op_sleep|is not a duration",
            "lsb:httpd|x=1|params|lsb:httpd takes no parameters"})
    void refusesBadParametersNamingTheParameter(String type, String params, String field, String message) {
        Map<String, String> map = new java.util.TreeMap<>();
        for (String pair : params.split(",(?=[a-z_]+=)")) {
            map.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        assertThatThrownBy(() -> ResourceTypes.checkParams("params", type, map))
                .isInstanceOfSatisfying(ClusterDefinitionException.class, e -> assertThat(e.field()).isEqualTo(field))
                .hasMessageContaining(message);
    }

    @Test
    void durationsAsOperatorsWriteThem() {
        assertThat(DurationText.parse("x", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationText.parse("x", "30")).isEqualTo(Duration.ofSeconds(30));
        assertThat(DurationText.parse("x", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(DurationText.parse("x", "1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThatThrownBy(() -> DurationText.parse("x", "1.5ms")).hasMessageContaining("whole number of milliseconds");
        assertThat(DurationText.parse("x", "PT1.5S")).isEqualTo(Duration.ofMillis(1500));
        assertThatThrownBy(() -> DurationText.parse("x", "-PT1S")).hasMessageContaining("negative");
        assertThat(DurationText.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(DurationText.format(Duration.ofSeconds(120))).isEqualTo("2m");
    }
}

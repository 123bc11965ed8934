package io.appliance.config.cluster.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Random files of plausible and broken words: the importer answers with a definition or a located error, nothing else. */
class HeartbeatImporterFuzzTest {

    private static final List<String> HA_CF_WORDS = List.of("keepalive", "deadtime", "warntime", "initdead", "udpport",
            "node", "ucast", "bcast", "mcast", "auto_failback", "crm", "ping", "node1", "node2", "-x", "eth1", "2", "30",
            "500ms", "0", "99999999999", "1.5", "10.0.0.1", "10.0.0.2", "on", "off", "\\", "#", "=", "::", "\t", "ü");
    private static final List<String> RESOURCE_WORDS = List.of("node1", "node2", "IPaddr::10.0.0.100/24/eth0",
            "IPaddr2::10.0.0.1/255.255.0.0", "IPaddr::1.2.3.4/x/y/z/w", "drbddisk::r0", "drbddisk::", "Filesystem::a::b",
            "Filesystem::/dev/x::/d::ext4::o", "httpd", "MailTo::x", "Xyz::1", "10.0.0.9", "::", "a::b::c", "\\", "#");
    private static final List<String> AUTH_WORDS = List.of("auth", "1", "2", "sha1", "md5", "crc", "secretsecret", "x",
            "99", "\\", "#");

    @Test
    void randomInputGivesADefinitionOrALocatedError() {
        Random random = new Random(20261122L);
        int imported = 0;
        int refused = 0;
        for (int round = 0; round < 3000; round++) {
            String haCf = (round % 2 == 0 ? "node node1 node2\n" : "") + text(random, HA_CF_WORDS);
            String haresources = random.nextInt(4) == 0 ? null : text(random, RESOURCE_WORDS);
            String authkeys = random.nextInt(3) == 0 ? "auth 1\n1 sha1 secretsecret\n" : text(random, AUTH_WORDS);
            try {
                assertThat(HeartbeatImporter.importText(haCf, haresources, authkeys).definition()).isNotNull();
                imported++;
            } catch (HeartbeatConfigException e) {
                assertThat(e.getMessage()).matches("(?s)(ha\\.cf|haresources|authkeys):\\d+: .+");
                refused++;
            }
        }
        assertThat(imported).isPositive();
        assertThat(refused).isPositive();
    }

    private static String text(Random random, List<String> words) {
        StringBuilder text = new StringBuilder();
        int lines = random.nextInt(6);
        for (int line = 0; line < lines; line++) {
            int count = 1 + random.nextInt(4);
            for (int word = 0; word < count; word++) {
                text.append(words.get(random.nextInt(words.size()))).append(random.nextInt(5) == 0 ? "\t" : " ");
            }
            text.append(random.nextInt(10) == 0 ? "\r\n" : "\n");
        }
        return text.toString();
    }
}

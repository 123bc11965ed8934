package io.appliance.cluster.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.cluster.placement.AdminState;
import io.appliance.cluster.placement.LocalState;
import io.appliance.config.cluster.LocationConstraint;
import io.appliance.config.cluster.Score;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterMessageCodecTest {

    private static ClusterMessage roundTrip(ClusterMessage message) {
        return ClusterMessageCodec.decode("node1", ClusterMessageCodec.encode(message)).orElseThrow();
    }

    @Test
    void everyMessageSurvivesARoundTrip() {
        NodeReport report = new NodeReport("node1", 42, 7, "abc", 3, new DecisionRef("node2", 5, 9),
                Map.of("vip", new ResourceReport(LocalState.FAILED, 2,
                        new FailureInfo("monitor", "NOT_RUNNING", "gone", 1234))),
                Map.of("replicated-disk:r0", "UpToDate"), true, false, true);
        Decision decision = new Decision("node2", 5, 9, Map.of("vip", "node1"), false, Set.of("node3"),
                new CoordinatorNotes(Set.of("node3"), Map.of("g", "waiting: node3 is UNCLEAN"),
                        java.util.List.of(new CoordinatorNotes.FenceNote("node3", "SUCCESS", "off", 1234L))));
        AdminChange change = new AdminChange(AdminChange.Kind.MOVE, "g", "node1", false, "r1");
        AdminUpdate update = AdminUpdate.of(new AdminState(4, Set.of("node1"),
                List.of(new LocationConstraint("cli-prefer-g", "g", "node2", Score.INFINITY)), true), List.of("r1", "r0"));
        Cleanup cleanup = new Cleanup("vip", null);

        assertThat(roundTrip(report)).isEqualTo(report);
        assertThat(roundTrip(decision)).isEqualTo(decision);
        assertThat(roundTrip(change)).isEqualTo(change);
        assertThat(roundTrip(update)).isEqualTo(update);
        assertThat(((AdminUpdate) roundTrip(update)).toState().cliConstraints().get(0).score())
                .isEqualTo(Score.INFINITY);
        assertThat(roundTrip(cleanup)).isEqualTo(cleanup);
    }

    @Test
    void malformedOrOversizedInputIsDropped() {
        assertThat(ClusterMessageCodec.decode("n", "[1,2".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(ClusterMessageCodec.decode("n", "{}".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(ClusterMessageCodec.decode("n", "null".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(ClusterMessageCodec.decode("n", "{\"type\":\"report\"}".getBytes(StandardCharsets.UTF_8)))
                .isEmpty();
        byte[] big = new byte[ClusterMessageCodec.MAX_MESSAGE_BYTES + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        assertThat(ClusterMessageCodec.decode("n", big)).isEmpty();
        assertThat(ClusterMessageCodec.decode("n", null)).isEmpty();
    }
}

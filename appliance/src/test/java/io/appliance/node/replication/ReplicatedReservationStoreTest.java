package io.appliance.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.appliance.iscsi.block.BlockDeviceNotReadyException;
import io.appliance.iscsi.scsi.FileReservationStore;
import io.appliance.replication.PeerMessageHandler;
import io.appliance.replication.ReplicatedResource;
import io.appliance.replication.ReplicationException;
import io.appliance.replication.ResourceStatus;
import io.appliance.replication.state.ConnectionState;
import io.appliance.replication.state.DiskState;
import io.appliance.replication.state.GenerationIds;
import io.appliance.replication.state.ReplicationState;
import io.appliance.replication.state.Role;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicatedReservationStoreTest {

    private static final UUID LUN = UUID.fromString("6a1b2c3d-4e5f-4061-8273-849506a7b8c9");
    private static final String CHANNEL = "pr/" + LUN;

    /** The parts of a replicated resource the store uses: its role, the peer channel, what it sent. */
    private static final class Disk {
        Role role = Role.PRIMARY;
        CompletableFuture<Void> peerAnswer = CompletableFuture.completedFuture(null);
        final List<String> sent = new ArrayList<>();
        final Map<String, PeerMessageHandler> handlers = new HashMap<>();

        ReplicatedResource resource() {
            return (ReplicatedResource) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {ReplicatedResource.class}, (proxy, method, arguments) -> switch (method.getName()) {
                        case "name" -> "r0";
                        case "status" -> new ResourceStatus("r0", role, DiskState.UP_TO_DATE, false, 1L << 20,
                                ConnectionState.CONNECTED, "node2", Role.SECONDARY, DiskState.UP_TO_DATE,
                                ReplicationState.ESTABLISHED, 0, Optional.empty(), 0, GenerationIds.justCreated(), 1,
                                ResourceStatus.Counters.ZERO, Optional.empty());
                        case "sendToPeer" -> {
                            sent.add(arguments[0] + "=" + new String((byte[]) arguments[1], StandardCharsets.UTF_8));
                            yield peerAnswer;
                        }
                        case "onPeerMessage" -> handlers.put((String) arguments[0], (PeerMessageHandler) arguments[1]);
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }
    }

    private final Disk disk = new Disk();

    private ReplicatedReservationStore store(Path directory) {
        return new ReplicatedReservationStore(new FileReservationStore(directory.resolve(LUN + ".pr")), disk.resource(),
                LUN, Duration.ofSeconds(1));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void onThePrimaryASaveIsOnDiskAndSentToThePeer(@TempDir Path directory) throws Exception {
        ReplicatedReservationStore store = store(directory);
        store.save(bytes("state-1"));
        assertThat(Files.readString(directory.resolve(LUN + ".pr"))).isEqualTo("state-1");
        assertThat(disk.sent).containsExactly(CHANNEL + "=state-1");
        assertThat(store.replacedElsewhere()).isFalse();
    }

    @Test
    void aPeerThatDoesNotAnswerLeavesTheStateOnThisNodeAndItIsSentOnTheNextConnection(@TempDir Path directory)
            throws Exception {
        ReplicatedReservationStore store = store(directory);
        disk.peerAnswer = CompletableFuture.failedFuture(new ReplicationException(ReplicationException.Reason.NOT_CONNECTED,
                "r0: not connected"));
        store.save(bytes("state-2"));
        assertThat(store.load()).hasValueSatisfying(state -> assertThat(state).isEqualTo(bytes("state-2")));

        disk.peerAnswer = CompletableFuture.completedFuture(null);
        store.sendToPeer();
        assertThat(disk.sent).containsExactly(CHANNEL + "=state-2", CHANNEL + "=state-2");
    }

    @Test
    void onTheSecondaryASaveIsNotReadyAndTheFileStaysAsItWas(@TempDir Path directory) throws Exception {
        ReplicatedReservationStore store = store(directory);
        disk.role = Role.SECONDARY;
        assertThatThrownBy(() -> store.save(bytes("nope"))).isInstanceOf(BlockDeviceNotReadyException.class)
                .hasMessageContaining("not Primary");
        assertThat(store.load()).isEmpty();
        store.sendToPeer();
        assertThat(disk.sent).as("a Secondary sends nothing").isEmpty();
    }

    @Test
    void thePeersCopyReplacesTheFileOnTheSecondaryAndFlagsItUntilTheNextLoad(@TempDir Path directory) throws Exception {
        ReplicatedReservationStore store = store(directory);
        disk.role = Role.SECONDARY;
        disk.handlers.get(CHANNEL).accept(bytes("from-primary"));
        assertThat(store.replacedElsewhere()).isTrue();
        assertThat(store.load()).hasValueSatisfying(state -> assertThat(state).isEqualTo(bytes("from-primary")));
        assertThat(store.replacedElsewhere()).isFalse();
    }

    @Test
    void aCopyArrivingOnThePrimaryIsRefused(@TempDir Path directory) throws Exception {
        ReplicatedReservationStore store = store(directory);
        store.save(bytes("mine"));
        assertThatThrownBy(() -> disk.handlers.get(CHANNEL).accept(bytes("theirs")))
                .hasMessageContaining("is Primary on this node");
        assertThat(store.load()).hasValueSatisfying(state -> assertThat(state).isEqualTo(bytes("mine")));
        assertThat(store.replacedElsewhere()).isFalse();
    }
}

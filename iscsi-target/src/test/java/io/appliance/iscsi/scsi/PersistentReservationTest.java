package io.appliance.iscsi.scsi;

import static io.appliance.iscsi.scsi.ScsiTestKit.cdb;
import static io.appliance.iscsi.scsi.ScsiTestKit.read10;
import static io.appliance.iscsi.scsi.ScsiTestKit.run;
import static io.appliance.iscsi.scsi.ScsiTestKit.write10;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PersistentReservationTest {

    static final int REGISTER = 0;
    static final int RESERVE = 1;
    static final int RELEASE = 2;
    static final int CLEAR = 3;
    static final int PREEMPT = 4;
    static final int PREEMPT_AND_ABORT = 5;
    static final int REGISTER_AND_IGNORE = 6;
    static final long KEY_A = 0xA1A1_0000_0000_0001L;
    static final long KEY_B = 0xB2B2_0000_0000_0002L;

    private final ScsiTestKit kit = new ScsiTestKit();
    private final ScsiNexusPort a = kit.open("iqn.2024-01.test:a");
    private final ScsiNexusPort b = kit.open("iqn.2024-01.test:b");
    private final ScsiNexusPort c = kit.open("iqn.2024-01.test:c");

    static byte[] proutCdb(int serviceAction, int type, int listLength) {
        return cdb(0x5F, serviceAction, type, 0, 0, 0, 0, 0, listLength, 0);
    }

    static byte[] proutList(long key, long serviceActionKey, int flags) {
        byte[] list = new byte[24];
        Cdb.putLong(list, 0, key);
        Cdb.putLong(list, 8, serviceActionKey);
        list[20] = (byte) flags;
        return list;
    }

    static ScsiTestKit.Answer prout(ScsiNexusPort port, int serviceAction, int type, long key, long serviceActionKey) {
        return run(port, proutCdb(serviceAction, type, 24), proutList(key, serviceActionKey, 0));
    }

    static byte[] prin(ScsiNexusPort port, int serviceAction) {
        return run(port, cdb(0x5E, serviceAction, 0, 0, 0, 0, 0, 0x10, 0, 0)).isGood().data;
    }

    private static long generation(byte[] data) {
        return Cdb.u32(data, 0);
    }

    private static void hasStatus(ScsiTestKit.Answer answer, int status) {
        assertThat(answer.status).isEqualTo(status);
    }

    @Test
    void registerShowsTheKeyAndCountsTheGeneration() {
        prout(a, REGISTER, 0, 0, KEY_A).isGood();
        byte[] keys = prin(b, 0);
        assertThat(generation(keys)).isEqualTo(1);
        assertThat(Cdb.u32(keys, 4)).isEqualTo(8);
        assertThat(Cdb.u64(keys, 8)).isEqualTo(KEY_A);
    }

    @Test
    void registerChecksTheRegisteredKeyUnlessIgnoring() {
        hasStatus(prout(a, REGISTER, 0, 5, KEY_A), ScsiResult.RESERVATION_CONFLICT);
        prout(a, REGISTER, 0, 0, KEY_A).isGood();
        hasStatus(prout(a, REGISTER, 0, 0, KEY_B), ScsiResult.RESERVATION_CONFLICT);
        prout(a, REGISTER, 0, KEY_A, KEY_B).isGood();
        prout(a, REGISTER_AND_IGNORE, 0, 0, 0x77).isGood();
        byte[] keys = prin(a, 0);
        assertThat(generation(keys)).isEqualTo(3);
        assertThat(Cdb.u64(keys, 8)).isEqualTo(0x77);
        prout(a, REGISTER, 0, 0x77, 0).isGood();
        assertThat(Cdb.u32(prin(a, 0), 4)).isZero();
    }

    @Test
    void unregisteredNexusMayNotReserveOrClear() {
        prout(a, REGISTER, 0, 0, KEY_A).isGood();
        hasStatus(prout(b, RESERVE, 1, KEY_A, 0), ScsiResult.RESERVATION_CONFLICT);
        hasStatus(prout(b, CLEAR, 0, KEY_A, 0), ScsiResult.RESERVATION_CONFLICT);
        hasStatus(prout(a, RESERVE, 1, KEY_B, 0), ScsiResult.RESERVATION_CONFLICT);
    }

    /** SPC-4 Table 62 / SBC-3 Table 13: what a registered non-holder (b) and a stranger (c) may do. */
    @ParameterizedTest
    @EnumSource(ReservationType.class)
    void conflictMatrix(ReservationType type) {
        prout(a, REGISTER, 0, 0, KEY_A).isGood();
        prout(b, REGISTER, 0, 0, KEY_B).isGood();
        prout(a, RESERVE, type.code(), KEY_A, 0).isGood();

        boolean readsAllowed = !type.exclusiveAccess();
        boolean registrantsAllowed = type.registrantsHaveAccess();
        run(a, read10(0, 1)).isGood();
        run(a, write10(0, 1), new byte[512]).isGood();
        hasStatus(run(b, read10(0, 1)), registrantsAllowed || readsAllowed ? 0 : ScsiResult.RESERVATION_CONFLICT);
        hasStatus(run(b, write10(0, 1), new byte[512]), registrantsAllowed ? 0 : ScsiResult.RESERVATION_CONFLICT);
        hasStatus(run(c, read10(0, 1)), readsAllowed ? 0 : ScsiResult.RESERVATION_CONFLICT);
        hasStatus(run(c, write10(0, 1), new byte[512]), ScsiResult.RESERVATION_CONFLICT);
        run(c, cdb(0x00, 0, 0, 0, 0, 0)).isGood();
        run(c, cdb(0x12, 0, 0, 0, 0x60, 0)).isGood();
        run(c, cdb(0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0)).isGood();

        byte[] reservation = prin(c, 1);
        assertThat(Cdb.u32(reservation, 4)).isEqualTo(16);
        assertThat(Cdb.u64(reservation, 8)).isEqualTo(type.allRegistrantsHold() ? 0 : KEY_A);
        assertThat(reservation[21]).isEqualTo((byte) type.code());
    }

    @Test
    void reserveAgainWithAnotherTypeConflicts() {
        prout(a, REGISTER, 0, 0, KEY_A).isGood();
        prout(a, RESERVE, 1, KEY_A, 0).isGood();
        prout(a, RESERVE, 1, KEY_A, 0).isGood();
        hasStatus(prout(a, RESERVE, 3, KEY_A, 0), ScsiResult.RESERVATION_CONFLICT);
        prout(b, REGISTER, 0, 0, KEY_B).isGood();
        hasStatus(prout(b, RESERVE, 1, KEY_B, 0), ScsiResult.RESERVATION_CONFLICT);
        assertThat(generation(prin(a, 1))).as("RESERVE does not count").isEqualTo(2);
    }

    @Test
    void releaseWithTheWrongTypeIsAnInvalidRelease() {
        prout(a, REGISTER, 0, 0, KEY_A).isGood();
        prout(a, RESERVE, 1, KEY_A, 0).isGood();
        prout(a, RELEASE, 3, KEY_A, 0).hasSense(SenseException.ILLEGAL_REQUEST, 0x26, 0x04);
        prout(a, RELEASE, 1, KEY_A, 0).isGood();
        assertThat(Cdb.u32(prin(a, 1), 4)).isZero();
    }

    @Test
    void releaseOfRegistrantsOnlyTellsTheOtherRegistrants() {
        prout(a, REGISTER, 0, 0, KEY_A).isGood();
        prout(b, REGISTER, 0, 0, KEY_B).isGood();
        prout(a, RESERVE, 5, KEY_A, 0).isGood();
        prout(b, RELEASE, 5, KEY_B, 0).isGood();
        assertThat(Cdb.u32(prin(a, 1), 4)).as("a non-holder's release changes nothing").isEqualTo(16);
        prout(a, RELEASE, 5, KEY_A, 0).isGood();
        run(b, read10(0, 1)).hasSense(SenseException.UNIT_ATTENTION, 0x2A, 0x04);
        run(c, read10(0, 1)).isGood();
        run(a, read10(0, 1)).isGood();
    }

    @Test
    void clearRemovesEverythingAndTellsTheOthers() {
        prout(a, REGISTER, 0, 0, KEY_A).isGood();
        prout(b, REGISTER, 0, 0, KEY_B).isGood();
        prout(a, RESERVE, 3, KEY_A, 0).isGood();
        prout(a, CLEAR, 0, KEY_A, 0).isGood();
        byte[] keys = prin(a, 0);
        assertThat(Cdb.u32(keys, 4)).isZero();
        assertThat(generation(keys)).isEqualTo(3);
        run(b, read10(0, 1)).hasSense(SenseException.UNIT_ATTENTION, 0x2A, 0x03);
        run(b, read10(0, 1)).isGood();
        run(a, read10(0, 1)).isGood();
    }

    @Test
    void preemptTakesTheReservationAndRemovesTheHolder() {
        prout(a, REGISTER, 0, 0, KEY_A).isGood();
        prout(b, REGISTER, 0, 0, KEY_B).isGood();
        prout(a, RESERVE, 1, KEY_A, 0).isGood();
        prout(b, PREEMPT, 3, KEY_B, KEY_A).isGood();
        byte[] reservation = prin(b, 1);
        assertThat(Cdb.u64(reservation, 8)).isEqualTo(KEY_B);
        assertThat(reservation[21]).isEqualTo((byte) 3);
        byte[] keys = prin(b, 0);
        assertThat(Cdb.u32(keys, 4)).isEqualTo(8);
        assertThat(Cdb.u64(keys, 8)).isEqualTo(KEY_B);
        run(a, read10(0, 1)).hasSense(SenseException.UNIT_ATTENTION, 0x2A, 0x05);
        hasStatus(run(a, read10(0, 1)), ScsiResult.RESERVATION_CONFLICT);
        hasStatus(prout(a, RESERVE, 3, KEY_A, 0), ScsiResult.RESERVATION_CONFLICT);
    }

    @Test
    void preemptWithoutReservationRemovesRegistrationsOnly() {
        prout(a, REGISTER, 0, 0, KEY_A).isGood();
        prout(b, REGISTER, 0, 0, KEY_B).isGood();
        prout(a, PREEMPT, 1, KEY_A, 0).hasSense(SenseException.ILLEGAL_REQUEST, 0x26, 0x00);
        hasStatus(prout(a, PREEMPT, 1, KEY_A, 0x999), ScsiResult.RESERVATION_CONFLICT);
        prout(a, PREEMPT_AND_ABORT, 1, KEY_A, KEY_B).isGood();
        assertThat(Cdb.u32(prin(a, 0), 4)).isEqualTo(8);
        assertThat(Cdb.u32(prin(a, 1), 4)).isZero();
        run(b, read10(0, 1)).hasSense(SenseException.UNIT_ATTENTION, 0x2A, 0x05);
    }

    @Test
    void preemptOfAllRegistrantsWithKeyZeroRemovesEveryOtherRegistrant() {
        prout(a, REGISTER, 0, 0, KEY_A).isGood();
        prout(b, REGISTER, 0, 0, KEY_B).isGood();
        prout(a, RESERVE, 8, KEY_A, 0).isGood();
        prout(b, PREEMPT, 1, KEY_B, 0).isGood();
        byte[] reservation = prin(b, 1);
        assertThat(reservation[21]).isEqualTo((byte) 1);
        assertThat(Cdb.u64(reservation, 8)).isEqualTo(KEY_B);
        assertThat(Cdb.u32(prin(b, 0), 4)).isEqualTo(8);
    }

    @Test
    void unregisteringHolderReleasesTheReservation() {
        prout(a, REGISTER, 0, 0, KEY_A).isGood();
        prout(a, RESERVE, 3, KEY_A, 0).isGood();
        hasStatus(run(b, read10(0, 1)), ScsiResult.RESERVATION_CONFLICT);
        prout(a, REGISTER, 0, KEY_A, 0).isGood();
        run(b, read10(0, 1)).isGood();
    }

    @Test
    void anAllRegistrantsReservationLastsWhileARegistrantRemains() {
        prout(a, REGISTER, 0, 0, KEY_A).isGood();
        prout(b, REGISTER, 0, 0, KEY_B).isGood();
        prout(a, RESERVE, 7, KEY_A, 0).isGood();
        prout(a, REGISTER, 0, KEY_A, 0).isGood();
        assertThat(prin(c, 1)[21]).isEqualTo((byte) 7);
        hasStatus(run(c, write10(0, 1), new byte[512]), ScsiResult.RESERVATION_CONFLICT);
        prout(b, REGISTER, 0, KEY_B, 0).isGood();
        assertThat(Cdb.u32(prin(c, 1), 4)).as("the last registrant took the reservation along").isZero();
        run(c, write10(0, 1), new byte[512]).isGood();
    }

    @Test
    void spc2ReserveMeetsRegistrationsWithConflict() {
        prout(a, REGISTER, 0, 0, KEY_A).isGood();
        hasStatus(run(a, cdb(0x16, 0, 0, 0, 0, 0)), ScsiResult.RESERVATION_CONFLICT);
        hasStatus(run(b, cdb(0x56, 0, 0, 0, 0, 0, 0, 0, 0, 0)), ScsiResult.RESERVATION_CONFLICT);
    }

    @Test
    void badParameterListsAndFieldsAreRefused() {
        run(a, proutCdb(REGISTER, 0, 25), new byte[25]).hasSense(SenseException.ILLEGAL_REQUEST, 0x1A, 0x00);
        run(a, proutCdb(REGISTER_AND_IGNORE, 0, 24), proutList(0, KEY_A, 0x08))
                .hasSense(SenseException.ILLEGAL_REQUEST, 0x26, 0x00).hasFieldPointer(false, 20, 3);
        // SPEC_I_PT without its TRANSPORTID PARAMETER DATA LENGTH
        run(a, proutCdb(REGISTER, 0, 24), proutList(0, KEY_A, 0x08)).hasSense(SenseException.ILLEGAL_REQUEST, 0x1A, 0x00);
        prout(a, REGISTER, 0, 0, KEY_A).isGood();
        prout(a, RESERVE, 2, KEY_A, 0).hasSense(SenseException.ILLEGAL_REQUEST, 0x24, 0x00);
        prout(a, RESERVE, 0x11, KEY_A, 0).hasSense(SenseException.ILLEGAL_REQUEST, 0x24, 0x00);
        run(a, cdb(0x5E, 4, 0, 0, 0, 0, 0, 0x10, 0, 0)).hasSense(SenseException.ILLEGAL_REQUEST, 0x24, 0x00);
        run(a, cdb(0x5F, 8, 0, 0, 0, 0, 0, 0, 24, 0), new byte[24])
                .hasSense(SenseException.ILLEGAL_REQUEST, 0x24, 0x00);
    }

    static byte[] moveList(long key, long serviceActionKey, int flags, int relativePort, String portName) {
        byte[] name = portName.getBytes(StandardCharsets.UTF_8);
        int nameField = (name.length + 1 + 3) & ~3;
        byte[] list = new byte[24 + 4 + nameField];
        Cdb.putLong(list, 0, key);
        Cdb.putLong(list, 8, serviceActionKey);
        list[17] = (byte) flags;
        Cdb.putShort(list, 18, relativePort);
        Cdb.putInt(list, 20, 4 + nameField);
        list[24] = 0x45;
        Cdb.putShort(list, 26, nameField);
        System.arraycopy(name, 0, list, 28, name.length);
        return list;
    }

    @Test
    void registerAndMoveHandsTheReservationOver() {
        prout(a, REGISTER, 0, 0, KEY_A).isGood();
        prout(a, RESERVE, 3, KEY_A, 0).isGood();
        byte[] list = moveList(KEY_A, KEY_B, 0x02, 1, "iqn.2024-01.test:b,i,0x002300000001");
        run(a, proutCdb(7, 3, list.length), list).isGood();
        byte[] reservation = prin(b, 1);
        assertThat(Cdb.u64(reservation, 8)).isEqualTo(KEY_B);
        assertThat(reservation[21]).isEqualTo((byte) 3);
        byte[] keys = prin(b, 0);
        assertThat(Cdb.u32(keys, 4)).as("UNREG removed the mover").isEqualTo(8);
        run(b, write10(0, 1), new byte[512]).isGood();
        hasStatus(run(a, read10(0, 1)), ScsiResult.RESERVATION_CONFLICT);
    }

    @Test
    void registerAndMoveIsCheckedBeforeAnythingMoves() {
        prout(a, REGISTER, 0, 0, KEY_A).isGood();
        byte[] toB = moveList(KEY_A, KEY_B, 0, 1, "iqn.2024-01.test:b,i,0x002300000001");
        hasStatus(run(a, proutCdb(7, 3, toB.length), toB), ScsiResult.RESERVATION_CONFLICT);
        prout(a, RESERVE, 3, KEY_A, 0).isGood();
        byte[] toSelf = moveList(KEY_A, KEY_B, 0, 1, "iqn.2024-01.test:a,i,0x002300000001");
        run(a, proutCdb(7, 3, toSelf.length), toSelf).hasSense(SenseException.ILLEGAL_REQUEST, 0x26, 0x00);
        byte[] otherPort = moveList(KEY_A, KEY_B, 0, 9, "iqn.2024-01.test:b,i,0x002300000001");
        run(a, proutCdb(7, 3, otherPort.length), otherPort).hasSense(SenseException.ILLEGAL_REQUEST, 0x26, 0x00)
                .hasFieldPointer(false, 18, -1);
        byte[] noIsid = moveList(KEY_A, KEY_B, 0, 1, "iqn.2024-01.test:b");
        run(a, proutCdb(7, 3, noIsid.length), noIsid).hasSense(SenseException.ILLEGAL_REQUEST, 0x26, 0x00);
        run(a, proutCdb(7, 3, toB.length + 4), Arrays.copyOf(toB, toB.length + 4))
                .hasSense(SenseException.ILLEGAL_REQUEST, 0x1A, 0x00);
        assertThat(Cdb.u64(prin(a, 1), 8)).isEqualTo(KEY_A);
        assertThat(Cdb.u32(prin(a, 0), 4)).isEqualTo(8);
    }

    @Test
    void reportCapabilitiesListsTheSixTypes() {
        run(a, proutCdb(REGISTER, 0, 24), proutList(0, KEY_A, 0x01)).isGood();
        byte[] caps = prin(a, 2);
        assertThat(caps).hasSize(8);
        assertThat(Cdb.u16(caps, 0)).isEqualTo(8);
        assertThat(caps[2] & 0x1D).as("CRH SIP_C ATP_C PTPL_C").isEqualTo(0x1D);
        assertThat(caps[3] & 0x81).as("TMV PTPL_A").isEqualTo(0x81);
        assertThat(Cdb.u16(caps, 4)).isEqualTo(0xEA01);
    }

    @Test
    void readFullStatusNamesTheInitiatorPorts() {
        prout(a, REGISTER, 0, 0, KEY_A).isGood();
        prout(a, RESERVE, 1, KEY_A, 0).isGood();
        byte[] status = prin(b, 3);
        assertThat(Cdb.u32(status, 4)).isEqualTo(status.length - 8);
        assertThat(Cdb.u64(status, 8)).isEqualTo(KEY_A);
        assertThat(status[8 + 12] & 0x01).as("R_HOLDER").isEqualTo(1);
        assertThat(status[8 + 13]).isEqualTo((byte) 1);
        int transportLength = (int) Cdb.u32(status, 8 + 20);
        assertThat(transportLength % 4).isZero();
        assertThat(status[8 + 24]).isEqualTo((byte) 0x45);
        String name = new String(status, 8 + 28, transportLength - 4, StandardCharsets.UTF_8);
        assertThat(name).startsWith("iqn.2024-01.test:a,i,0x002300000001\0");
    }

    @Test
    void allTargetPortsRegistrationCoversAnotherTargetPort() {
        run(a, proutCdb(REGISTER, 0, 24), proutList(0, KEY_A, 0x04)).isGood();
        ScsiNexusPort otherPort = kit.target.openNexus(
                new ItNexus("iqn.2024-01.test:a", 0x23_0000_0001L, ScsiTestKit.TARGET_NAME, 2), Map.of());
        prout(otherPort, RESERVE, 3, KEY_A, 0).isGood();
        hasStatus(run(b, read10(0, 1)), ScsiResult.RESERVATION_CONFLICT);
        run(a, read10(0, 1)).isGood();
    }

    @Test
    void aReloginIsTheSameNexus() {
        prout(a, REGISTER, 0, 0, KEY_A).isGood();
        prout(a, RESERVE, 3, KEY_A, 0).isGood();
        a.nexusLost();
        ScsiNexusPort again = kit.open("iqn.2024-01.test:a");
        run(again, write10(0, 1), new byte[512]).isGood();
    }

    @Test
    void stateSurvivesReopeningTheUnitFromItsFile(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("lun.pr");
        LunIdentity identity = LunIdentity.derive(UUID.randomUUID());
        ScsiTarget target = new ScsiTarget(ScsiTestKit.TARGET_NAME, 1, 1);
        target.addLun(0, new LogicalUnit(identity, new MemoryBlockDevice(64, 512), false, new FileReservationStore(file)));
        ScsiNexusPort first = target.openNexus(ScsiTestKit.nexus("iqn.2024-01.test:a"), Map.of());
        prout(first, REGISTER, 0, 0, KEY_A).isGood();
        prout(first, RESERVE, 6, KEY_A, 0).isGood();
        assertThat(file).exists();
        assertThat(directory.resolve("lun.pr.tmp")).doesNotExist();

        ScsiTarget restarted = new ScsiTarget(ScsiTestKit.TARGET_NAME, 1, 1);
        restarted.addLun(0, new LogicalUnit(identity, new MemoryBlockDevice(64, 512), false, new FileReservationStore(file)));
        ScsiNexusPort other = restarted.openNexus(ScsiTestKit.nexus("iqn.2024-01.test:b"), Map.of());
        hasStatus(run(other, read10(0, 1)), ScsiResult.RESERVATION_CONFLICT);
        byte[] reservation = prin(other, 1);
        assertThat(Cdb.u64(reservation, 8)).isEqualTo(KEY_A);
        assertThat(reservation[21]).isEqualTo((byte) 6);
        assertThat(generation(reservation)).isEqualTo(1);
        ScsiNexusPort holder = restarted.openNexus(ScsiTestKit.nexus("iqn.2024-01.test:a"), Map.of());
        run(holder, read10(0, 1)).isGood();
    }

    /**
     * Two units over two stores, as the two nodes of a replicated disk: the standby's store is replaced behind its
     * unit's back (the peer's copy) and flagged; its unit enforces the new state from the next command on.
     */
    @Test
    void aStateReplacedElsewhereIsLoadedBeforeTheNextCommand(@TempDir Path directory) throws IOException {
        LunIdentity identity = LunIdentity.derive(UUID.randomUUID());
        Path activeFile = directory.resolve("active.pr");
        ScsiTarget active = new ScsiTarget(ScsiTestKit.TARGET_NAME, 1, 1);
        active.addLun(0, new LogicalUnit(identity, new MemoryBlockDevice(64, 512), false, new FileReservationStore(activeFile)));
        ScsiNexusPort holderOnActive = active.openNexus(ScsiTestKit.nexus("iqn.2024-01.test:a"), Map.of());
        prout(holderOnActive, REGISTER, 0, 0, KEY_A).isGood();
        prout(holderOnActive, RESERVE, 1, KEY_A, 0).isGood();

        FileReservationStore standbyFile = new FileReservationStore(directory.resolve("standby.pr"));
        java.util.concurrent.atomic.AtomicBoolean replaced = new java.util.concurrent.atomic.AtomicBoolean();
        ReservationStore standbyStore = new ReservationStore() {
            @Override
            public Optional<byte[]> load() throws IOException {
                replaced.set(false);
                return standbyFile.load();
            }

            @Override
            public void save(byte[] state) throws IOException {
                standbyFile.save(state);
            }

            @Override
            public boolean replacedElsewhere() {
                return replaced.get();
            }
        };
        ScsiTarget standby = new ScsiTarget(ScsiTestKit.TARGET_NAME, 1, 1);
        standby.addLun(0, new LogicalUnit(identity, new MemoryBlockDevice(64, 512), false, standbyStore));
        ScsiNexusPort other = standby.openNexus(ScsiTestKit.nexus("iqn.2024-01.test:b"), Map.of());
        run(other, write10(0, 1), new byte[512]).isGood();

        standbyFile.save(java.nio.file.Files.readAllBytes(activeFile));
        replaced.set(true);
        hasStatus(run(other, write10(0, 1), new byte[512]), ScsiResult.RESERVATION_CONFLICT);
        assertThat(replaced).isFalse();
        byte[] reservation = prin(other, 1);
        assertThat(Cdb.u64(reservation, 8)).isEqualTo(KEY_A);
        assertThat(generation(reservation)).isEqualTo(1);
    }

    @Test
    void aStoreThatIsNotActiveHereAnswersNotReadyAndKeepsTheState() {
        ReservationStore standby = new ReservationStore() {
            @Override
            public Optional<byte[]> load() {
                return Optional.empty();
            }

            @Override
            public void save(byte[] state) throws IOException {
                throw new io.appliance.iscsi.block.BlockDeviceNotReadyException("replicated disk r0 is Secondary");
            }
        };
        ScsiTarget target = new ScsiTarget(ScsiTestKit.TARGET_NAME, 1, 1);
        target.addLun(0, new LogicalUnit(LunIdentity.derive(UUID.randomUUID()), new MemoryBlockDevice(64, 512), false,
                standby));
        ScsiNexusPort port = target.openNexus(ScsiTestKit.nexus("iqn.2024-01.test:a"), Map.of());
        ScsiTestKit.Answer answer = prout(port, REGISTER, 0, 0, KEY_A);
        hasStatus(answer, ScsiResult.CHECK_CONDITION);
        assertThat(answer.sense[2] & 0x0F).as("NOT READY").isEqualTo(0x2);
        assertThat(answer.sense[12] & 0xFF).isEqualTo(0x04);
        assertThat(answer.sense[13] & 0xFF).isEqualTo(0x0B);
        assertThat(Cdb.u32(prin(port, 0), 4)).as("no key registered").isZero();
    }

    @Test
    void aFailedSaveFailsTheCommandAndKeepsTheState() {
        ReservationStore failing = new ReservationStore() {
            @Override
            public Optional<byte[]> load() {
                return Optional.empty();
            }

            @Override
            public void save(byte[] state) throws IOException {
                throw new IOException("disk gone");
            }
        };
        ScsiTarget target = new ScsiTarget(ScsiTestKit.TARGET_NAME, 1, 1);
        target.addLun(0, new LogicalUnit(LunIdentity.derive(UUID.randomUUID()), new MemoryBlockDevice(64, 512), false,
                failing));
        ScsiNexusPort port = target.openNexus(ScsiTestKit.nexus("iqn.2024-01.test:a"), Map.of());
        prout(port, REGISTER, 0, 0, KEY_A).hasSense(SenseException.HARDWARE_ERROR, 0x44, 0x00);
        assertThat(Cdb.u32(prin(port, 0), 4)).isZero();
    }

    @Test
    void encodedStateRoundTripsAndGarbageIsRefused() throws IOException {
        prout(a, REGISTER, 0, 0, KEY_A).isGood();
        run(b, proutCdb(REGISTER, 0, 24), proutList(0, KEY_B, 0x05)).isGood();
        prout(b, RESERVE, 7, KEY_B, 0).isGood();
        PersistentReservations.State state = kit.unit.persistentReservations().state();
        assertThat(PersistentReservations.decode(PersistentReservations.encode(state))).isEqualTo(state);
        byte[] encoded = PersistentReservations.encode(state);
        encoded[0] ^= 1;
        assertThatThrownBy(() -> PersistentReservations.decode(encoded))
                .isInstanceOf(IOException.class);
        byte[] truncated = Arrays.copyOf(PersistentReservations.encode(state), 20);
        assertThatThrownBy(() -> PersistentReservations.decode(truncated))
                .isInstanceOf(IOException.class);
    }
}

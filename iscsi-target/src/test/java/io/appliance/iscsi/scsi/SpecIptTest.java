package io.appliance.iscsi.scsi;

import static io.appliance.iscsi.scsi.PersistentReservationTest.prin;
import static io.appliance.iscsi.scsi.PersistentReservationTest.prout;
import static io.appliance.iscsi.scsi.PersistentReservationTest.proutCdb;
import static io.appliance.iscsi.scsi.PersistentReservationTest.proutList;
import static io.appliance.iscsi.scsi.ScsiTestKit.read10;
import static io.appliance.iscsi.scsi.ScsiTestKit.run;
import static io.appliance.iscsi.scsi.ScsiTestKit.write10;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PERSISTENT RESERVE OUT REGISTER with SPEC_I_PT: SPC-4 §5.13.7 Tables 67 and 69, §6.16.3 Table 215. */
class SpecIptTest {

    private static final int REGISTER = 0;
    private static final int RESERVE = 1;
    private static final int REGISTER_AND_IGNORE = 6;
    private static final int SPEC_I_PT = 0x08;
    private static final int ALL_TG_PT = 0x04;
    private static final long KEY_A = 0xA1A1_0000_0000_0001L;
    private static final long KEY_B = 0xB2B2_0000_0000_0002L;
    private static final String B_PORT = "iqn.2024-01.test:b,i,0x002300000001";
    private static final String D_NAME = "iqn.2024-01.test:d";
    private static final long D_ISID = 0x23_0000_000AL;
    private static final String D_PORT = D_NAME + ",i,0x00230000000a";

    private final ScsiTestKit kit = new ScsiTestKit();
    private final ScsiNexusPort a = kit.open("iqn.2024-01.test:a");
    private final ScsiNexusPort b = kit.open("iqn.2024-01.test:b");

    /** An iSCSI TransportID (SPC-4 §7.6.4.6): the name null-terminated and padded to four bytes. */
    static byte[] transportId(int firstByte, String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        int field = (bytes.length + 1 + 3) & ~3;
        byte[] id = new byte[4 + field];
        id[0] = (byte) firstByte;
        Cdb.putShort(id, 2, field);
        System.arraycopy(bytes, 0, id, 4, bytes.length);
        return id;
    }

    static byte[] port(String portName) {
        return transportId(0x45, portName);
    }

    /** The basic list with SPEC_I_PT (plus {@code flags}), then TRANSPORTID PARAMETER DATA LENGTH and the ids. */
    static byte[] specifiedList(long key, long serviceActionKey, int flags, byte[]... transportIds) {
        ByteArrayOutputStream ids = new ByteArrayOutputStream();
        for (byte[] id : transportIds) {
            ids.writeBytes(id);
        }
        byte[] header = proutList(key, serviceActionKey, SPEC_I_PT | flags);
        byte[] list = new byte[28 + ids.size()];
        System.arraycopy(header, 0, list, 0, 24);
        Cdb.putInt(list, 24, ids.size());
        System.arraycopy(ids.toByteArray(), 0, list, 28, ids.size());
        return list;
    }

    private static void hasStatus(ScsiTestKit.Answer answer, int status) {
        assertThat(answer.status).isEqualTo(status);
    }

    private static ScsiTestKit.Answer register(ScsiNexusPort port, byte[] list) {
        return run(port, proutCdb(REGISTER, 0, list.length), list);
    }

    private static List<Long> keys(ScsiNexusPort port) {
        byte[] data = prin(port, 0);
        List<Long> keys = new ArrayList<>();
        for (int offset = 8; offset < 8 + Cdb.u32(data, 4); offset += 8) {
            keys.add(Cdb.u64(data, offset));
        }
        return keys;
    }

    private ScsiNexusPort openD(long isid, int targetPortalGroupTag) {
        return kit.target.openNexus(new ItNexus(D_NAME, isid, ScsiTestKit.TARGET_NAME, targetPortalGroupTag), Map.of());
    }

    @Test
    void registersTheReceivingNexusAndEverySpecifiedPortInOneStep() {
        long before = Cdb.u32(prin(a, 0), 0);
        register(a, specifiedList(0, KEY_A, 0, port(B_PORT), port(D_PORT))).isGood();
        byte[] data = prin(a, 0);
        assertThat(Cdb.u32(data, 0)).as("one PRGENERATION step").isEqualTo(before + 1);
        assertThat(keys(a)).containsExactly(KEY_A, KEY_A, KEY_A);

        ScsiNexusPort d = openD(D_ISID, 1);
        // the specified port, logged in later, holds the key
        prout(d, RESERVE, 3, KEY_A, 0).isGood();
        run(d, write10(0, 1), new byte[512]).isGood();
        assertThat(Cdb.u64(prin(b, 1), 8)).isEqualTo(KEY_A);
        hasStatus(prout(b, RESERVE, 3, KEY_A, 0), ScsiResult.RESERVATION_CONFLICT);

        PersistentReservations.State state = kit.unit.persistentReservations().state();
        assertThat(state.registrationOf(new ItNexus(D_NAME, 0x23_0000_000BL, ScsiTestKit.TARGET_NAME, 1)))
                .as("another ISID of that name is another, unregistered port").isNull();
        assertThat(state.registrationOf(new ItNexus(D_NAME, D_ISID, ScsiTestKit.TARGET_NAME, 2)))
                .as("registered on the receiving target port only").isNull();
    }

    @Test
    void withAllTargetPortsTheSpecifiedPortsAreRegisteredOnEveryTargetPort() {
        register(a, specifiedList(0, KEY_A, ALL_TG_PT, port(D_PORT))).isGood();
        ScsiNexusPort d = openD(D_ISID, 2);
        prout(d, RESERVE, 3, KEY_A, 0).isGood();
        run(d, write10(0, 1), new byte[512]).isGood();
    }

    @Test
    void readFullStatusReportsEachSpecifiedPortWithItsTransportId() {
        register(a, specifiedList(0, KEY_A, 0, port(B_PORT), port(D_PORT))).isGood();
        byte[] status = prin(a, 3);
        assertThat(Cdb.u32(status, 4)).isEqualTo(status.length - 8);
        List<String> names = new ArrayList<>();
        int offset = 8;
        while (offset < status.length) {
            assertThat(Cdb.u64(status, offset)).isEqualTo(KEY_A);
            assertThat(status[offset + 12] & 0x03).as("not ALL_TG_PT, not holder").isZero();
            assertThat(Cdb.u16(status, offset + 18)).as("relative target port").isEqualTo(1);
            int length = (int) Cdb.u32(status, offset + 20);
            assertThat(status[offset + 24]).as("iSCSI, FORMAT CODE 01b").isEqualTo((byte) 0x45);
            String name = new String(status, offset + 28, length - 4, StandardCharsets.UTF_8);
            names.add(name.substring(0, name.indexOf('\0')));
            offset += 24 + length;
        }
        assertThat(names).containsExactly("iqn.2024-01.test:a,i,0x002300000001", B_PORT, D_PORT);
    }

    @Test
    void aBadTransportIdRegistersNothing() {
        long before = Cdb.u32(prin(a, 0), 0);
        byte[] first = port(B_PORT);
        int second = 28 + first.length;

        // protocol identifier other than iSCSI
        register(a, specifiedList(0, KEY_A, 0, first, transportId(0x46, D_PORT)))
                .hasSense(SenseException.ILLEGAL_REQUEST, 0x26, 0x00).hasFieldPointer(false, second, 3);
        // FORMAT CODE 00b, a name without ISID, is refused
        register(a, specifiedList(0, KEY_A, 0, first, transportId(0x05, D_NAME)))
                .hasSense(SenseException.ILLEGAL_REQUEST, 0x26, 0x00).hasFieldPointer(false, second, 7);
        register(a, specifiedList(0, KEY_A, 0, first, transportId(0xC5, D_PORT)))
                .hasSense(SenseException.ILLEGAL_REQUEST, 0x26, 0x00).hasFieldPointer(false, second, 7);
        // format 01b without ,i,0x<ISID>
        register(a, specifiedList(0, KEY_A, 0, first, port(D_NAME)))
                .hasSense(SenseException.ILLEGAL_REQUEST, 0x26, 0x00).hasFieldPointer(false, second + 4, -1);

        assertThat(keys(a)).isEmpty();
        assertThat(Cdb.u32(prin(a, 0), 0)).isEqualTo(before);
        run(b, read10(0, 1)).isGood();
    }

    @Test
    void lengthsThatDoNotAddUpAreParameterListLengthErrors() {
        byte[] good = specifiedList(0, KEY_A, 0, port(B_PORT));
        byte[] longer = Arrays.copyOf(good, good.length + 4);
        // bytes after the TransportIDs
        register(a, longer).hasSense(SenseException.ILLEGAL_REQUEST, 0x1A, 0x00);
        byte[] overstated = good.clone();
        Cdb.putInt(overstated, 24, good.length - 28 + 4);
        // TRANSPORTID PARAMETER DATA LENGTH beyond the list
        register(a, overstated).hasSense(SenseException.ILLEGAL_REQUEST, 0x1A, 0x00);
        byte[] truncated = good.clone();
        Cdb.putShort(truncated, 28 + 2, Cdb.u16(truncated, 28 + 2) + 4);
        // a TransportID cut short
        register(a, truncated).hasSense(SenseException.ILLEGAL_REQUEST, 0x1A, 0x00);
        byte[] headerOnly = Arrays.copyOf(good, 30);
        Cdb.putInt(headerOnly, 24, 2);
        // less than a TransportID header
        register(a, headerOnly).hasSense(SenseException.ILLEGAL_REQUEST, 0x1A, 0x00);
        byte[] huge = specifiedList(0, KEY_A, 0);
        // longer than 64 TransportIDs can be, refused before it is read
        run(a, proutCdb(REGISTER, 0, 1 << 20), Arrays.copyOf(huge, 1 << 20))
                .hasSense(SenseException.ILLEGAL_REQUEST, 0x1A, 0x00);
        assertThat(keys(a)).isEmpty();
        register(a, good).isGood();
        assertThat(keys(a)).hasSize(2);
    }

    @Test
    void specIptIsRefusedWhereSpc4RefusesIt() {
        byte[] ignoreExisting = specifiedList(0, KEY_A, 0, port(D_PORT));
        // Table 69 footnote a
        run(a, proutCdb(REGISTER_AND_IGNORE, 0, ignoreExisting.length), ignoreExisting)
                .hasSense(SenseException.ILLEGAL_REQUEST, 0x26, 0x00).hasFieldPointer(false, 20, 3);
        // unregistered nexus, non-zero key
        hasStatus(register(a, specifiedList(KEY_A, KEY_A, 0, port(D_PORT))), ScsiResult.RESERVATION_CONFLICT);

        prout(a, REGISTER, 0, 0, KEY_A).isGood();
        // Table 67 footnote c: SPEC_I_PT from a registered nexus
        register(a, specifiedList(KEY_A, KEY_B, 0, port(D_PORT)))
                .hasSense(SenseException.ILLEGAL_REQUEST, 0x26, 0x00).hasFieldPointer(false, 20, 3);
        // registered nexus, wrong key
        hasStatus(register(a, specifiedList(KEY_B, KEY_B, 0, port(D_PORT))), ScsiResult.RESERVATION_CONFLICT);

        byte[] first = port(D_PORT);
        // Table 67 footnote b: a specified port that is registered
        register(b, specifiedList(0, KEY_B, 0, first, port("iqn.2024-01.test:a,i,0x002300000001")))
                .hasSense(SenseException.ILLEGAL_REQUEST, 0x26, 0x00).hasFieldPointer(false, 28 + first.length, -1);
        assertThat(keys(a)).containsExactly(KEY_A);

        long before = Cdb.u32(prin(a, 0), 0);
        // zero service action key: nothing
        register(b, specifiedList(0, 0, 0, port(D_PORT))).isGood();
        assertThat(keys(a)).containsExactly(KEY_A);
        assertThat(Cdb.u32(prin(a, 0), 0)).isEqualTo(before);
    }

    @Test
    void theReceivingPortOrARepeatedPortInTheListIsRegisteredOnce() {
        register(b, specifiedList(0, KEY_B, 0, port(B_PORT), port(D_PORT), port(D_PORT))).isGood();
        assertThat(keys(a)).containsExactly(KEY_B, KEY_B);
    }

    @Test
    void reportCapabilitiesSetsSipC() {
        assertThat(prin(a, 2)[2] & 0x08).isEqualTo(0x08);
    }

    @Test
    void specifiedRegistrationsSurviveTheStoredForm() throws IOException {
        register(a, specifiedList(0, KEY_A, ALL_TG_PT, port(D_PORT))).isGood();
        PersistentReservations.State state = kit.unit.persistentReservations().state();
        PersistentReservations.State decoded = PersistentReservations.decode(PersistentReservations.encode(state));
        assertThat(decoded).isEqualTo(state);
        assertThat(decoded.registrationOf(new ItNexus(D_NAME, D_ISID, ScsiTestKit.TARGET_NAME, 5))).isNotNull();
    }
}

package io.appliance.itest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The parsing of libiscsi tool output, against lines captured from real runs. */
class InitiatorOutputTest {

    @Test
    void readsIscsiLsLunLines() {
        String output = "Target:iqn.2026-11.test:tgt Portal:127.0.0.1:13261,1\n"
                + "Lun:0    Type:STORAGE_ARRAY_CONTROLLER\n"
                + "Lun:1    Type:DIRECT_ACCESS (Size:63M)\n";

        assertThat(InitiatorOutput.listedLuns(output)).containsExactly(
                new InitiatorOutput.ListedLun(0, "STORAGE_ARRAY_CONTROLLER", ""),
                new InitiatorOutput.ListedLun(1, "DIRECT_ACCESS", "63M"));
    }

    @Test
    void computesTheSizeTextIscsiLsPrints() {
        assertThat(InitiatorOutput.isciLsSizeText(64L << 20, 512)).isEqualTo("63M");
        assertThat(InitiatorOutput.isciLsSizeText(1L << 30, 512)).isEqualTo("1023M");
        assertThat(InitiatorOutput.isciLsSizeText(1L << 30, 4096)).isEqualTo("1023M");
        assertThat(InitiatorOutput.isciLsSizeText(2048, 512)).isEqualTo("1k");
    }

    @Test
    void readsReadCapacity16() {
        String output = "RETURNED LOGICAL BLOCK ADDRESS:131071\nLOGICAL BLOCK LENGTH IN BYTES:512\nTotal size:67108864\n";

        assertThat(InitiatorOutput.totalSize(output)).hasValue(67108864L);
        assertThat(InitiatorOutput.blockLength(output)).hasValue(512L);
        assertThat(InitiatorOutput.totalSize("Login Failed.")).isEmpty();
    }
}

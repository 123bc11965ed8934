package io.appliance.iscsi.scsi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class LunIdentityTest {

    private static final UUID UUID_A = UUID.fromString("0b9c4e3a-6f1d-4c2b-9a7e-5d3f2a1b0c9d");

    @Test
    void deriveIsDeterministic() {
        assertThat(LunIdentity.derive(UUID_A)).isEqualTo(LunIdentity.derive(UUID.fromString(UUID_A.toString())));
        assertThat(LunIdentity.derive(UUID_A).hashCode()).isEqualTo(LunIdentity.derive(UUID_A).hashCode());
    }

    @Test
    void derivedNaaIsType6WithTheCompanyIdAndUuidBits() {
        LunIdentity identity = LunIdentity.derive(UUID_A);
        // NAA 6 | company ID 0A9C1E | 60 random bits of the high half | low 40 bits of the low half
        assertThat(identity.naaHex()).isEqualTo("6" + "0a9c1e" + "0b9c4e3a6f1dc2b" + "3f2a1b0c9d");
        assertThat(identity.naaIdentifier()).hasSize(16);
        assertThat(identity.unitSerialNumber()).isEqualTo("0b9c4e3a6f1d4c2b9a7e5d3f2a1b0c9d");
        assertThat(identity.vendorId()).isEqualTo("APPLIANC");
    }

    @Test
    void differentUuidsGiveDifferentIdentities() {
        LunIdentity a = LunIdentity.derive(UUID_A);
        LunIdentity b = LunIdentity.derive(UUID.fromString("0b9c4e3a-6f1d-4c2b-9a7e-5d3f2a1b0c9e"));
        assertThat(a.naaHex()).isNotEqualTo(b.naaHex());
        assertThat(a.unitSerialNumber()).isNotEqualTo(b.unitSerialNumber());
    }

    @Test
    void naaArrayIsDefensivelyCopied() {
        LunIdentity identity = LunIdentity.derive(UUID_A);
        identity.naaIdentifier()[5] ^= 1;
        assertThat(identity).isEqualTo(LunIdentity.derive(UUID_A));
    }

    @Test
    void invalidFieldsAreRejected() {
        byte[] naa = LunIdentity.derive(UUID_A).naaIdentifier();
        assertThatThrownBy(() -> new LunIdentity("TOO-LONG-V", "p", "r", "s", naa)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LunIdentity("v", "p", "r", "s\u0001", naa)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LunIdentity("v", "p", "r", "s", new byte[16])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LunIdentity("v", "p", "r", "s", new byte[8])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LunIdentity("v", "p", "r", "x".repeat(33), naa)).isInstanceOf(IllegalArgumentException.class);
    }
}

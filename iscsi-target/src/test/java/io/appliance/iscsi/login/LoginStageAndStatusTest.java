package io.appliance.iscsi.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LoginStageAndStatusTest {

    @Test
    void stagesMapToTheirWireCodes() {
        assertThat(LoginStage.fromCode(0)).isEqualTo(LoginStage.SECURITY_NEGOTIATION);
        assertThat(LoginStage.fromCode(1)).isEqualTo(LoginStage.LOGIN_OPERATIONAL_NEGOTIATION);
        assertThat(LoginStage.fromCode(3)).isEqualTo(LoginStage.FULL_FEATURE_PHASE);
        assertThat(LoginStage.FULL_FEATURE_PHASE.code()).isEqualTo(3);
    }

    @Test
    void reservedStageCodeIsRefused() {
        assertThatThrownBy(() -> LoginStage.fromCode(2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LoginStage.fromCode(4)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void statusesCarryTheRfcClassAndDetail() {
        assertThat(LoginStatus.SUCCESS.isSuccess()).isTrue();
        assertThat(LoginStatus.AUTHENTICATION_FAILURE.isSuccess()).isFalse();
        assertThat(LoginStatus.TARGET_MOVED_PERMANENTLY.statusClass()).isEqualTo(1);
        assertThat(LoginStatus.TARGET_MOVED_PERMANENTLY.statusDetail()).isEqualTo(2);
        assertThat(LoginStatus.INVALID_DURING_LOGIN.statusDetail()).isEqualTo(0x0b);
        assertThat(LoginStatus.OUT_OF_RESOURCES.statusClass()).isEqualTo(3);
        assertThat(LoginStatus.OUT_OF_RESOURCES.statusDetail()).isEqualTo(2);
    }
}

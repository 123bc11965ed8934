package io.appliance.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IscsiNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "iqn.2026-11.io.appliance:default",
            "iqn.2001-04.com.example",
            "iqn.2001-04.com.example:storage:diskarrays-sn-a8675309",
            "iqn.2001-04.com.example:storage.tape1.sys1.xyz",
            "iqn.1994-05.com.redhat:5b1c4f7d2e",
            "IQN.2001-04.COM.Example:Disk1",
            "eui.02004567A425678D",
            "naa.52004567BA64678D",
            "naa.62004567BA64678D0123456789ABCDEF"})
    void acceptsNamesOfEveryForm(String name) {
        assertThat(IscsiNames.problem(name)).isEmpty();
        assertThat(IscsiNames.isValid(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "iqn",
            "iqn.2001-4.com.example",
            "iqn.2001-13.com.example",
            "iqn.2001-00.com.example",
            "iqn.2001-04.",
            "iqn.2001-04.-com.example",
            "iqn.2001-04.com..example",
            "iqn.2001-04.com.example:has space",
            "iqn.2001-04.com.example:under_score",
            "iqn.2001-04.com.exämple",
            "eui.02004567A425678",
            "eui.02004567A425678DX",
            "naa.52004567BA64678D01",
            "foo.2001-04.com.example",
            "2001-04.com.example"})
    void refusesMalformedNames(String name) {
        assertThat(IscsiNames.problem(name)).isPresent();
    }

    @Test
    void refusesNamesLongerThan223Bytes() {
        String base = "iqn.2001-04.com.example:";
        String exactly223 = base + "a".repeat(IscsiNames.MAX_BYTES - base.length());
        assertThat(IscsiNames.problem(exactly223)).isEmpty();
        assertThat(IscsiNames.problem(exactly223 + "a")).hasValueSatisfying(p -> assertThat(p).contains("223"));
    }

    @Test
    void messagesSayWhichRuleIsBroken() {
        assertThat(IscsiNames.problem("iqn.2001-13.com.example")).hasValueSatisfying(p -> assertThat(p).contains("month 13"));
        assertThat(IscsiNames.problem("eui.1234")).hasValueSatisfying(p -> assertThat(p).contains("16 hexadecimal"));
        assertThat(IscsiNames.problem("nope")).hasValueSatisfying(p -> assertThat(p).contains("iqn., eui. or naa."));
        assertThat(IscsiNames.problem(null)).isPresent();
    }

    @Test
    void normalizeFoldsCase() {
        assertThat(IscsiNames.normalize("IQN.2001-04.COM.Example:Disk1")).isEqualTo("iqn.2001-04.com.example:disk1");
    }
}

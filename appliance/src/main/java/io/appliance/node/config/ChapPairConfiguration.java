package io.appliance.node.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.appliance.config.ChapSecret;
import io.appliance.config.ChapUser;
import jakarta.validation.constraints.NotNull;

/** A CHAP name and secret in the configuration file; the secret never appears in {@link #toString()}. */
public class ChapPairConfiguration {

    @NotNull
    @ChapUser
    @JsonProperty
    private String user;

    @NotNull
    @ChapSecret
    @JsonProperty
    private String secret;

    public String getUser() {
        return user;
    }

    public String getSecret() {
        return secret;
    }

    @Override
    public String toString() {
        return "ChapPairConfiguration[user=" + user + ", secret=(hidden)]";
    }
}

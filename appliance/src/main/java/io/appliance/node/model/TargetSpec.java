package io.appliance.node.model;

import io.appliance.config.IscsiName;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * What an operator says about a target: in {@code POST /api/v1/targets} and, with its LUNs and ACLs,
 * in the configuration's seed.
 *
 * @param name       the target's iSCSI name (RFC 3720 §3.2.6)
 * @param alias      TargetAlias (RFC 7143 §13.6): free text shown by initiators; empty when absent
 * @param openAccess demo mode: any initiator, no authentication, every LUN; ACLs are ignored
 */
public record TargetSpec(
        @NotNull @IscsiName String name,
        @Size(max = 255) @Pattern(regexp = "\\P{Cntrl}*", message = "must not contain control characters") String alias,
        boolean openAccess) {

    public TargetSpec {
        alias = alias == null ? "" : alias;
    }
}

package io.appliance.node.config;

import io.appliance.config.IscsiName;
import io.appliance.config.IscsiNames;
import io.appliance.node.model.AclSpec;
import io.appliance.node.model.LunSpec;
import io.appliance.node.model.TargetSpec;
import io.dropwizard.validation.selfvalidating.SelfValidating;
import io.dropwizard.validation.selfvalidating.SelfValidation;
import io.dropwizard.validation.selfvalidating.ViolationCollector;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One target of the seed: the fields of {@link TargetSpec} plus its LUNs and ACLs.
 *
 * <p>Rules across fields: LUN numbers are unique; an initiator has at most one ACL; an ACL maps
 * initiator LUNs only to LUNs the target has.
 */
@SelfValidating
public record TargetSeed(
        @NotNull @IscsiName String name,
        @Size(max = 255) @Pattern(regexp = "\\P{Cntrl}*", message = "must not contain control characters") String alias,
        boolean openAccess,
        @Valid List<LunSpec> luns,
        @Valid List<AclSpec> acls) {

    public TargetSeed {
        alias = alias == null ? "" : alias;
        luns = luns == null ? List.of() : List.copyOf(luns);
        acls = acls == null ? List.of() : List.copyOf(acls);
    }

    public TargetSpec target() {
        return new TargetSpec(name, alias, openAccess);
    }

    @SelfValidation
    public void checkLunNumbersUnique(ViolationCollector violations) {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < luns.size(); i++) {
            Integer lun = luns.get(i).lun();
            if (lun != null && !seen.add(lun)) {
                violations.addViolation("luns", i, "LUN " + lun + " is defined twice in target " + name);
            }
        }
    }

    @SelfValidation
    public void checkAclsUniqueAndMapped(ViolationCollector violations) {
        Set<String> initiators = new HashSet<>();
        Set<Integer> lunNumbers = new HashSet<>();
        luns.forEach(lun -> lunNumbers.add(lun.lun()));
        for (int i = 0; i < acls.size(); i++) {
            AclSpec acl = acls.get(i);
            if (acl.initiator() != null && !initiators.add(IscsiNames.normalize(acl.initiator()))) {
                violations.addViolation("acls", i, "initiator " + acl.initiator() + " has two ACLs in target " + name);
            }
            for (Integer targetLun : acl.luns().values()) {
                if (targetLun != null && !lunNumbers.contains(targetLun)) {
                    violations.addViolation("acls", i, "maps to LUN " + targetLun + ", which target " + name + " does not have");
                }
            }
        }
    }
}
